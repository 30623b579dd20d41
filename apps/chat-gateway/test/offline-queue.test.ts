/**
 * The offline queue with thousands of messages: every message reaches the recipient once, in the
 * order stored, also when new messages arrive while the queue is still being pushed, and a
 * connection holding hundreds of unconfirmed messages neither breaks the catch-up push (storage
 * pages hold at most 1,000 rows) nor grows its set of unconfirmed ids without bound. Real sockets.
 */
import { createMemoryBus } from '@parley/bus'
import type { ServerMessageOf } from '@parley/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CHAT_EVENTS_CHANNEL } from '../src/bus-events.js'
import type { TestClient } from './helpers/client.js'
import { Harness } from './helpers/harness.js'

vi.setConfig({ testTimeout: 120_000 })

let h: Harness
const buses: ReturnType<typeof createMemoryBus>[] = []
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
  await Promise.all(buses.splice(0).map((bus) => bus.close()))
})

async function queue(from: number, to: number, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await h.storage.messages.storeMessage({
      senderId: from,
      recipientId: to,
      clientId: `${tag}${i}`,
      body: `${tag} ${i}`,
      createdAt: h.clock.now(),
    })
  }
}

/** Confirms, as a client does once shown, every message it has not confirmed yet; returns them. */
function confirmNew(client: TestClient, confirmed: Set<number>): void {
  const fresh = client
    .ofType('message')
    .map((m) => m.messageId)
    .filter((id) => !confirmed.has(id))
  for (const id of fresh) confirmed.add(id)
  for (let i = 0; i < fresh.length; i += 500) client.send({ type: 'received', ids: fresh.slice(i, i + 500) })
}

function messageIds(client: TestClient): number[] {
  return client.ofType('message').map((m: ServerMessageOf<'message'>) => m.messageId)
}

describe('offline queue', () => {
  it('delivers 5,000 queued messages once each and in order, with live ones arriving meanwhile', async () => {
    h = await Harness.start()
    const luke = await h.loginAs('luke')
    await h.register('hans')
    await queue(await h.userId('luke'), await h.userId('hans'), 5000, 'q')
    const hans = await h.loginAs('hans')
    const confirmed = new Set<number>()
    await hans.waitForType('message')
    // Sent while hans's queue is still being pushed: they are newer, so they come after it.
    for (let i = 0; i < 20; i++) {
      const ack = await luke.request({ type: 'message', to: 'hans', text: `live ${i}` })
      expect(ack, JSON.stringify(ack)).toMatchObject({ type: 'ack' })
    }
    await expect
      .poll(
        () => {
          confirmNew(hans, confirmed)
          return new Set(messageIds(hans)).size
        },
        { timeout: 100_000, interval: 50 },
      )
      .toBe(5020)
    const ids = messageIds(hans)
    expect(ids).toHaveLength(5020) // each once
    expect(ids).toEqual([...ids].sort((a, b) => a - b)) // in the order stored
    expect(hans.ofType('message').at(-1)).toMatchObject({ text: 'live 19' })
  })

  it('bounds what one connection holds unconfirmed, and a catch-up push with hundreds held still works', async () => {
    const bus = createMemoryBus()
    buses.push(bus)
    h = await Harness.start({ bus })
    const luke = await h.loginAs('luke')
    const hans = await h.loginAs('hans')
    // 950 live messages that hans does not confirm (yet).
    for (let i = 0; i < 950; i++) luke.send({ type: 'message', to: 'hans', text: `live ${i}` })
    await expect.poll(() => luke.ofType('ack').length, { timeout: 60_000 }).toBe(950)
    const held = messageIds(hans).length
    expect(held).toBeLessThan(950)
    // Another gateway died: every gateway pushes its connections' queues again.
    await bus.publish(CHAT_EVENTS_CHANNEL, { kind: 'catch-up', deadInstanceId: 'gw-dead' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(h.logLines.filter((line) => line.includes('catch-up push failed'))).toEqual([])
    const confirmed = new Set<number>()
    await expect
      .poll(
        () => {
          confirmNew(hans, confirmed)
          return new Set(messageIds(hans)).size
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe(950)
    const ids = messageIds(hans)
    expect(ids).toHaveLength(950)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
  })
})
