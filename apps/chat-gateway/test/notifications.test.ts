/**
 * Board notifications in the chat (issue 17): a `board:notifications` event on the bus reaches the
 * recipient's open connections as a `notification` frame, on whichever gateway they are, and nobody
 * else's; unread-count updates and malformed events send nothing.
 */
import { type Bus, createMemoryBus, openBus } from '@parley/bus'
import { type BoardNotification, NOTIFICATIONS_CHANNEL, type NotificationEvent } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'
import { GatewayPair } from './helpers/pair.js'
import { redisUrl } from './helpers/redis.js'

const AT = 1_700_000_000_000

function notification(excerpt: string): NotificationEvent {
  return { type: 'notification', kind: 'mention', from: 'hans', excerpt, postId: 7, threadId: 7, at: AT, unread: 1 }
}

function created(recipientId: number, excerpt: string): BoardNotification {
  return { type: 'created', recipientId, notification: notification(excerpt) }
}

describe('notifications on one gateway', () => {
  let harness: Harness
  let bus: Bus
  afterEach(async () => {
    expect(harness.invalidFrames()).toEqual([])
    await harness.close()
    await bus.close()
  })

  it('pushes the notification to the recipient only, and nothing for read counts or malformed events', async () => {
    bus = createMemoryBus()
    harness = await Harness.start({ bus })
    const luke = await harness.loginAs('luke')
    const leia = await harness.loginAs('leia')
    const lukeId = await harness.userId('luke')

    await bus.publish(NOTIFICATIONS_CHANNEL, { type: 'read', recipientId: lukeId, unread: 0 })
    await bus.publish(NOTIFICATIONS_CHANNEL, { ...created(lukeId, 'bad'), extra: true })
    await bus.publish(NOTIFICATIONS_CHANNEL, created(lukeId, 'hi @luke, look'))
    const frame = await luke.waitForType('notification')
    expect(frame).toEqual(notification('hi @luke, look'))
    expect(luke.ofType('notification')).toHaveLength(1)

    // leia's own connection is still in order and saw none of it.
    expect(await leia.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
    expect(leia.ofType('notification')).toEqual([])
  })
})

describe('notifications across two gateways on one Redis', () => {
  let pair: GatewayPair
  afterEach(async () => {
    expect(pair.invalidFrames()).toEqual([])
    await pair.close()
  })

  it('reaches each recipient on the gateway they are connected to', async () => {
    pair = await GatewayPair.start()
    const luke = await pair.loginAs(0, 'luke')
    const hans = await pair.loginAs(1, 'hans')
    const board = await openBus({ redisUrl, prefix: pair.prefix })
    try {
      await board.publish(NOTIFICATIONS_CHANNEL, created(await pair.userId('hans'), 'for hans'))
      await board.publish(NOTIFICATIONS_CHANNEL, created(await pair.userId('luke'), 'for luke'))
      expect((await hans.waitForType('notification')).excerpt).toBe('for hans')
      expect((await luke.waitForType('notification')).excerpt).toBe('for luke')
      expect(hans.ofType('notification')).toHaveLength(1)
      expect(luke.ofType('notification')).toHaveLength(1)
    } finally {
      await board.close()
    }
  })
})
