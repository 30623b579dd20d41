/**
 * The gateway is no longer an unthrottled sign-in endpoint: `lookup`, `login` and account creation
 * go through the shared attempt limiter (@parley/auth), one address holds a bounded number of
 * sockets, and a socket that never signs in is closed after the pre-sign-in window. Real TLS
 * sockets against a real gateway.
 */
import { createAttemptLimiter, createMemoryAttemptStore } from '@parley/auth'
import { ErrorCode } from '@parley/protocol'
import { ManualTimers } from '@parley/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { TestClient } from './helpers/client.js'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

function limiter(limits: Parameters<typeof createAttemptLimiter>[0]['limits']) {
  return createAttemptLimiter({ store: createMemoryAttemptStore(), limits })
}

describe('sign-in attempt limits', () => {
  it('refuses lookups past the per-address limit, on any connection of that address', async () => {
    h = await Harness.start({ attempts: limiter({ lookupPerMinute: 5 }) })
    const first = await h.connect()
    for (let i = 0; i < 5; i++) {
      expect(await first.request({ type: 'lookup', username: `name${i}` })).toMatchObject({ type: 'lookup' })
    }
    // A new socket does not reset the count: it is the address that is counted.
    const second = await h.connect()
    const refused = await second.request({ type: 'lookup', username: 'name5' })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(refused.type === 'error' && refused.retryAfterMs).toBeGreaterThan(50_000)
  })

  it('refuses password guesses spread over accounts, before any argon2 work', async () => {
    h = await Harness.start({ attempts: limiter({ loginPerMinute: 3 }) })
    for (const name of ['a1', 'a2', 'a3', 'a4']) await h.register(name)
    const client = await h.connect()
    for (const name of ['a1', 'a2', 'a3']) {
      const reply = await client.request({ type: 'login', v: 1, username: name, password: 'wrong guess' })
      expect(reply).toMatchObject({ code: ErrorCode.InvalidCredentials })
    }
    const refused = await client.request({ type: 'login', v: 1, username: 'a4', password: PASSWORD })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(refused.type === 'error' && refused.message).toMatch(/from your address/)
  })

  it('caps accounts created from one address', async () => {
    h = await Harness.start({ attempts: limiter({ loginPerMinute: 100, createPerHour: 2 }) })
    const made: string[] = []
    for (const name of ['new1', 'new2', 'new3']) {
      const client = await h.connect()
      const reply = await client.request({ type: 'login', v: 1, username: name, password: PASSWORD, create: true })
      if (reply.type === 'welcome') {
        made.push(name)
        client.send({ type: 'logout' })
        await client.waitClosed()
      } else
        expect(reply).toMatchObject({ code: ErrorCode.RateLimited, message: expect.stringMatching(/new accounts/) })
    }
    expect(made).toEqual(['new1', 'new2'])
    expect(await h.auth.userExists('new3')).toBe(false)
    // Signing in to an existing account is not account creation.
    const again = await h.connect()
    expect(
      await again.request({ type: 'login', v: 1, username: 'new1', password: PASSWORD, create: true }),
    ).toMatchObject({ type: 'welcome' })
  })
})

describe('connection limits', () => {
  it('refuses an upgrade past the per-address cap with 429, and takes one again once a socket closes', async () => {
    h = await Harness.start({ config: { maxConnectionsPerIp: 3 } })
    const open = [await h.connect(), await h.connect(), await h.connect()]
    expect(await TestClient.refusedStatus(h.url, { ca: h.certs.ca })).toBe(429)
    open[0]!.ws.close()
    await open[0]!.waitClosed()
    await expect.poll(async () => (await h.connect()).isOpen, { timeout: 5000 }).toBe(true)
  })

  it('closes a socket that has not signed in within the window (4004), but not a signed-in one', async () => {
    const timers = new ManualTimers()
    h = await Harness.start({ config: { signInTimeoutSeconds: 1 }, timers })
    const idle = await h.connect()
    const user = await h.loginAs('hans')
    timers.advance(1000)
    const closed = await idle.waitClosed(5000)
    expect(closed.code).toBe(4004)
    expect(closed.reason).toMatch(/Sign in within 1 s/)
    expect(user.isOpen).toBe(true)
    expect(await user.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
  })

  it('counts the window from the connection: lookups do not extend it', async () => {
    const timers = new ManualTimers()
    h = await Harness.start({ config: { signInTimeoutSeconds: 2 }, timers })
    const idle = await h.connect()
    for (let i = 0; i < 3; i++) {
      timers.advance(600)
      await idle.request({ type: 'lookup', username: `name${i}` })
    }
    expect(idle.isOpen).toBe(true)
    // 2 s after the connection; each lookup would have pushed it to 2 s after the last one (3.8 s).
    timers.advance(200)
    expect((await idle.waitClosed(5000)).code).toBe(4004)
  })
})
