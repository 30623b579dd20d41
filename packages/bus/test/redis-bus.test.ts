import { afterEach, describe, expect, it } from 'vitest'
import { type Bus, BusUnavailableError, createRedisBus } from '../src/index.js'
import { describeBusContract } from './contract.js'
import { inbox, recordingLogger, uniquePrefix } from './helpers.js'
import { clientIdsNamed, connectAdmin, openTestRedisBus, redisUrl, uniqueClientName } from './redis-env.js'

describeBusContract('Redis bus', {
  open: (prefix, logger) => openTestRedisBus(prefix, logger ? { logger } : {}),
})

describe('Redis bus', () => {
  const opened: Bus[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()))
  })

  it('lets two instances with their own connections talk both ways (request and reply)', async () => {
    const prefix = uniquePrefix()
    const gatewayA = await openTestRedisBus(prefix)
    const gatewayB = await openTestRedisBus(prefix)
    opened.push(gatewayA, gatewayB)
    // B answers every ping on its own channel, as another gateway would deliver and confirm.
    await gatewayB.subscribe('instance:b', (message) => {
      const { n } = message as { n: number }
      void gatewayA.publish('instance:a', { pong: n })
    })
    const replies = inbox('replies')
    await gatewayA.subscribe('instance:a', replies.handler)
    for (let n = 1; n <= 20; n++) await gatewayA.publish('instance:b', { n })
    await replies.waitForCount(20)
    expect(replies.messages).toEqual(Array.from({ length: 20 }, (_, i) => ({ pong: i + 1 })))
  })

  it('names its connections <clientName>:pub and <clientName>:sub, and closes both', async () => {
    const admin = await connectAdmin()
    try {
      const clientName = uniqueClientName()
      const bus = await openTestRedisBus(uniquePrefix(), { clientName })
      expect(await clientIdsNamed(admin, `${clientName}:pub`)).toHaveLength(1)
      expect(await clientIdsNamed(admin, `${clientName}:sub`)).toHaveLength(1)
      await bus.close()
      expect(await clientIdsNamed(admin, `${clientName}:pub`)).toEqual([])
      expect(await clientIdsNamed(admin, `${clientName}:sub`)).toEqual([])
    } finally {
      await admin.close()
    }
  })

  it('puts the prefix on the Redis channel name', async () => {
    const admin = await connectAdmin()
    try {
      const prefix = uniquePrefix()
      const bus = await openTestRedisBus(prefix)
      opened.push(bus)
      const unsubscribe = await bus.subscribe('visible', () => {})
      expect(await admin.sendCommand(['PUBSUB', 'CHANNELS', `${prefix}*`])).toEqual([`${prefix}visible`])
      await unsubscribe()
      expect(await admin.sendCommand(['PUBSUB', 'CHANNELS', `${prefix}*`])).toEqual([])
    } finally {
      await admin.close()
    }
  })

  it('drops a message that is not JSON (another program on the channel) with a warning', async () => {
    const admin = await connectAdmin()
    try {
      const prefix = uniquePrefix()
      const logger = recordingLogger()
      const bus = await openTestRedisBus(prefix, { logger })
      opened.push(bus)
      const box = inbox()
      await bus.subscribe('mixed', box.handler)
      await admin.publish(`${prefix}mixed`, 'not json {')
      await bus.publish('mixed', 'json')
      await box.waitForCount(1)
      expect(box.messages).toEqual(['json'])
      expect(logger.entries).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'bus message is not JSON: dropped' }),
      )
    } finally {
      await admin.close()
    }
  })

  it('fails to start with an error naming Redis and the address when nothing listens there', async () => {
    const started = createRedisBus({
      url: 'redis://user:secret-password@127.0.0.1:1',
      connectTimeoutMs: 300,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    })
    const error = await started.then(
      () => {
        throw new Error('createRedisBus connected to a closed port')
      },
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(BusUnavailableError)
    expect(error).toMatchObject({ code: 'BUS_UNAVAILABLE', reason: 'unreachable' })
    const message = (error as Error).message
    expect(message).toMatch(/^Redis is not reachable at redis:\/\/user:\*\*\*@127\.0\.0\.1:1 within 300 ms/)
    expect(message).toMatch(/ECONNREFUSED/)
    expect(message).not.toContain('secret-password')
  })

  it('refuses a URL that is not redis:// or rediss://, before any connection', async () => {
    await expect(createRedisBus({ url: 'http://127.0.0.1:6379' })).rejects.toThrow(/redis:\/\/ or rediss:\/\//)
    await expect(createRedisBus({ url: 'not a url' })).rejects.toThrow(TypeError)
    await expect(createRedisBus({ url: redisUrl, clientName: 'has space' })).rejects.toThrow(/clientName/)
  })
})
