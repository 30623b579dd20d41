import { randomUUID } from 'node:crypto'
import { ErrorCode, isParleyError } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type AttemptLimiter, createAttemptLimiter } from '../src/attempt-limiter.js'
import { createMemoryAttemptStore } from '../src/attempt-store.js'
import { clientAddressKey } from '../src/client-address.js'
import { openAttemptLimiter } from '../src/open-attempt-limiter.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

async function refusal(promise: Promise<void>): Promise<{ code: string; retryAfterMs: unknown; message: string }> {
  try {
    await promise
  } catch (error) {
    if (!isParleyError(error)) throw error
    return { code: error.code, retryAfterMs: error.details.retryAfterMs, message: error.message }
  }
  throw new Error('the attempt was allowed')
}

describe('clientAddressKey', () => {
  it('counts IPv4 one by one and IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(clientAddressKey('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64')
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientAddressKey('2001:db8:0:0:1::')).toBe('2001:db8:0:0::/64')
    expect(clientAddressKey('2001:db8:1:3::1')).not.toBe(clientAddressKey('2001:db8:1:2::1'))
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64')
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientAddressKey(null)).toBe('unknown')
  })
})

describe('attempt limiter (memory)', () => {
  let at = 1_000_000
  const now = () => at

  it('refuses past the per-address limit with a retry time, then allows again after the window', async () => {
    const limiter = createAttemptLimiter({ store: createMemoryAttemptStore(now), limits: { loginPerMinute: 3 } })
    for (let i = 0; i < 3; i++) await limiter.check('login', { ip: '198.51.100.1', accountKey: `user${i}` })
    const refused = await refusal(limiter.check('login', { ip: '198.51.100.1', accountKey: 'user9' }))
    expect(refused.code).toBe(ErrorCode.RateLimited)
    expect(refused.retryAfterMs).toBe(60_000)
    expect(refused.message).toMatch(/from your address/)
    // Another address is counted apart; one in the same IPv6 /64 is not.
    await limiter.check('login', { ip: '198.51.100.2', accountKey: 'user10' })
    at += 60_000
    await limiter.check('login', { ip: '198.51.100.1', accountKey: 'user11' })
  })

  it('counts an IPv6 client by its /64', async () => {
    const limiter = createAttemptLimiter({ store: createMemoryAttemptStore(now), limits: { lookupPerMinute: 2 } })
    await limiter.check('lookup', { ip: '2001:db8:5:6::1' })
    await limiter.check('lookup', { ip: '2001:db8:5:6::2' })
    expect((await refusal(limiter.check('lookup', { ip: '2001:db8:5:6:ffff::9' }))).code).toBe(ErrorCode.RateLimited)
    await limiter.check('lookup', { ip: '2001:db8:5:7::1' })
  })

  it('limits attempts at one account name from many addresses', async () => {
    const limiter = createAttemptLimiter({ store: createMemoryAttemptStore(now), limits: { loginPerMinute: 2 } })
    await limiter.check('login', { ip: '192.0.2.1', accountKey: 'hans' })
    await limiter.check('login', { ip: '192.0.2.2', accountKey: 'hans' })
    const refused = await refusal(limiter.check('login', { ip: '192.0.2.3', accountKey: 'hans' }))
    expect(refused.message).toMatch(/for this account name/)
  })

  it('caps new accounts per address an hour', async () => {
    const limiter = createAttemptLimiter({
      store: createMemoryAttemptStore(now),
      limits: { loginPerMinute: 100, createPerHour: 2 },
    })
    await limiter.check('create', { ip: '192.0.2.9', accountKey: 'a' })
    await limiter.check('create', { ip: '192.0.2.9', accountKey: 'b' })
    const refused = await refusal(limiter.check('create', { ip: '192.0.2.9', accountKey: 'c' }))
    expect(refused.message).toMatch(/new accounts/)
    expect(refused.retryAfterMs).toBe(3_600_000)
  })

  it('refuses a limit that is not a positive integer', () => {
    expect(() => createAttemptLimiter({ store: createMemoryAttemptStore(), limits: { loginPerMinute: 0 } })).toThrow(
      /loginPerMinute/,
    )
  })
})

describe('attempt limiter (Redis)', () => {
  const limiters: AttemptLimiter[] = []
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((limiter) => limiter.close()))
  })

  it('counts the attempts of every instance together', async () => {
    const prefix = `test-${randomUUID()}:`
    const open = () => {
      const limiter = openAttemptLimiter({ redisUrl: REDIS_URL, prefix, limits: { loginPerMinute: 4 } })
      limiters.push(limiter)
      return limiter
    }
    const [first, second] = [open(), open()]
    // Both connected, so neither counts in its memory fallback.
    await Promise.all([first.ready(), second.ready()])
    await first.check('login', { ip: '10.1.1.1', accountKey: 'a' })
    await second.check('login', { ip: '10.1.1.1', accountKey: 'b' })
    await first.check('login', { ip: '10.1.1.1', accountKey: 'c' })
    await second.check('login', { ip: '10.1.1.1', accountKey: 'd' })
    const refused = await refusal(first.check('login', { ip: '10.1.1.1', accountKey: 'e' }))
    expect(refused.code).toBe(ErrorCode.RateLimited)
    expect(refused.retryAfterMs).toBeGreaterThan(50_000)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000)
  })
})
