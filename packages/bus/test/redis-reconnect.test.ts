/**
 * What happens when a bus loses Redis: the connection is killed server-side (CLIENT KILL, as on a
 * Redis restart or failover) or the network is cut for a while. Pub/sub is at-most-once, so the
 * bus must reconnect, restore its subscriptions, tell the app (onReconnect, to catch up from
 * storage) and refuse publishes while down instead of hanging.
 */
import { startTcpRelay, type TcpRelay } from '@parley/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type Bus, BusUnavailableError } from '../src/index.js'
import { inbox, recordingLogger, uniquePrefix, waitFor } from './helpers.js'
import {
  type AdminClient,
  clientIdsNamed,
  connectAdmin,
  openTestRedisBus,
  redisUrl,
  uniqueClientName,
} from './redis-env.js'

describe('Redis bus reconnection', () => {
  const opened: Bus[] = []
  let admin: AdminClient | undefined
  let proxy: TcpRelay | undefined
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()))
    await admin?.close()
    admin = undefined
    await proxy?.close()
    proxy = undefined
  })

  async function killConnection(name: string): Promise<string> {
    admin ??= await connectAdmin()
    const [id, ...others] = await clientIdsNamed(admin, name)
    expect(id, `a Redis connection named ${name}`).toBeDefined()
    expect(others).toEqual([])
    expect(await admin.sendCommand(['CLIENT', 'KILL', 'ID', id!])).toBe(1)
    return id!
  }

  it('resubscribes after its subscriber connection is killed, fires onReconnect, and delivers later messages', async () => {
    const prefix = uniquePrefix()
    const clientName = uniqueClientName()
    const logger = recordingLogger()
    const receiver = await openTestRedisBus(prefix, { clientName, logger })
    const sender = await openTestRedisBus(prefix)
    opened.push(receiver, sender)
    const box = inbox()
    await receiver.subscribe('survives', box.handler)
    await receiver.subscribe('also-survives', box.handler)
    let reconnects = 0
    receiver.onReconnect(() => reconnects++)
    await sender.publish('survives', 'before')
    await box.waitForCount(1)

    const killedId = await killConnection(`${clientName}:sub`)
    await waitFor(() => reconnects === 1, 'onReconnect after CLIENT KILL')
    expect(receiver.healthy).toBe(true)
    const [newId] = await clientIdsNamed(admin!, `${clientName}:sub`)
    expect(newId).toBeDefined()
    expect(newId).not.toBe(killedId)

    await sender.publish('survives', 'after')
    await sender.publish('also-survives', 'after, other channel')
    await box.waitForCount(3)
    expect(box.messages).toEqual(['before', 'after', 'after, other channel'])
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'Redis bus connection lost: reconnecting' }),
    )
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'info', message: 'Redis bus reconnected' }))
  })

  it('reconnects its publisher after a kill without firing onReconnect (nothing was missed)', async () => {
    const prefix = uniquePrefix()
    const clientName = uniqueClientName()
    const sender = await openTestRedisBus(prefix, { clientName })
    const receiver = await openTestRedisBus(prefix)
    opened.push(sender, receiver)
    const box = inbox()
    await receiver.subscribe('from-revived', box.handler)
    let reconnects = 0
    sender.onReconnect(() => reconnects++)

    await killConnection(`${clientName}:pub`)
    // Until the client notices and reconnects, a publish may reject (never hang); retry between ticks.
    const failures: unknown[] = []
    let delivered = false
    await waitFor(() => {
      if (!delivered && sender.healthy) {
        delivered = true
        sender.publish('from-revived', 'hello again').catch((error: unknown) => {
          failures.push(error)
          delivered = false
        })
      }
      return delivered && box.messages.length > 0
    }, 'a publish to go through after the publisher reconnected')
    for (const failure of failures) expect(failure).toBeInstanceOf(BusUnavailableError)
    await box.waitForCount(1)
    expect(box.messages).toEqual(['hello again'])
    expect(reconnects).toBe(0)
  })

  it('rejects publish and subscribe at once while Redis is unreachable, then recovers its subscriptions', async () => {
    proxy = await startTcpRelay(redisUrl, 6379)
    const prefix = uniquePrefix()
    const behindProxy = await openTestRedisBus(prefix, { url: proxy.url })
    const direct = await openTestRedisBus(prefix)
    opened.push(behindProxy, direct)
    const box = inbox()
    await behindProxy.subscribe('outage', box.handler)
    let reconnects = 0
    behindProxy.onReconnect(() => reconnects++)
    await direct.publish('outage', 'before')
    await box.waitForCount(1)

    proxy.cut()
    await waitFor(() => !behindProxy.healthy, 'the bus to notice the outage')
    const publishing = behindProxy.publish('outage', 'while down')
    await expect(publishing).rejects.toBeInstanceOf(BusUnavailableError)
    await expect(publishing).rejects.toMatchObject({ reason: 'disconnected' })
    await expect(publishing).rejects.toThrow(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is unavailable, cannot publish/)
    await expect(behindProxy.subscribe('outage', () => {})).rejects.toBeInstanceOf(BusUnavailableError)
    // Published while the subscriber was away: pub/sub does not keep it (storage must).
    await direct.publish('outage', 'lost')

    proxy.restore()
    await waitFor(() => reconnects === 1, 'onReconnect after the outage', 15_000)
    expect(behindProxy.healthy).toBe(true)
    await direct.publish('outage', 'after')
    await behindProxy.publish('outage', 'own, after')
    await box.waitForCount(3)
    expect(box.messages).toEqual(['before', 'after', 'own, after'])
  })

  it('closes promptly while Redis is unreachable', async () => {
    proxy = await startTcpRelay(redisUrl, 6379)
    const bus = await openTestRedisBus(uniquePrefix(), { url: proxy.url })
    await bus.subscribe('x', () => {})
    proxy.cut()
    await waitFor(() => !bus.healthy, 'the bus to notice the outage')
    await bus.close()
    expect(bus.healthy).toBe(false)
    await expect(bus.publish('x', 1)).rejects.toMatchObject({ reason: 'closed' })
  })
})
