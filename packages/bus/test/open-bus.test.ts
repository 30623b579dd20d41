import { afterEach, describe, expect, it } from 'vitest'
import { type Bus, createMemoryBus, openBus } from '../src/index.js'
import { inbox, uniquePrefix } from './helpers.js'
import { openTestRedisBus, redisUrl } from './redis-env.js'

describe('openBus', () => {
  const opened: Bus[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()))
  })

  for (const redisUrl of [undefined, '']) {
    it(`gives an in-process bus when the Redis URL is ${JSON.stringify(redisUrl)}`, async () => {
      const bus = await openBus({ redisUrl, prefix: 'p:' })
      opened.push(bus)
      const box = inbox()
      await bus.subscribe('local', box.handler)
      await bus.publish('local', 'hi')
      await box.waitForCount(1)
      expect(box.messages).toEqual(['hi'])
      // A separate in-process bus is another process's: it hears nothing.
      const stranger = createMemoryBus({ prefix: 'p:' })
      opened.push(stranger)
      const strangerBox = inbox()
      await stranger.subscribe('local', strangerBox.handler)
      await bus.publish('local', 'again')
      await box.waitForCount(2)
      expect(strangerBox.messages).toEqual([])
    })
  }

  it('gives a Redis bus when a URL is set: another Redis client with the prefix hears it', async () => {
    const prefix = uniquePrefix()
    const bus = await openBus({ redisUrl, prefix, redis: { clientName: 'parley-test-open-bus' } })
    const listener = await openTestRedisBus(prefix)
    opened.push(bus, listener)
    const box = inbox()
    await listener.subscribe('shared', box.handler)
    await bus.publish('shared', { via: 'redis' })
    await box.waitForCount(1)
    expect(box.messages).toEqual([{ via: 'redis' }])
  })

  it('fails loudly, naming Redis, when the URL points at nothing', async () => {
    await expect(
      openBus({ redisUrl: 'redis://127.0.0.1:1', redis: { connectTimeoutMs: 200, reconnect: { maxDelayMs: 50 } } }),
    ).rejects.toThrow(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:1/)
  })
})
