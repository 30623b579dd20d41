import { afterEach, describe, expect, it } from 'vitest'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('heartbeat', () => {
  it('drops a peer that stops answering pings; live peers stay', async () => {
    // Generous: a live peer on a loaded machine must answer each ping within one interval.
    h = await Harness.start({ config: { heartbeatMs: 1000 } })
    const live = await h.loginAs('luke')
    await h.register('hans')
    const dead = await h.connect({ autoPong: false })
    await dead.login('hans', PASSWORD)
    await live.waitForType('presence', (p) => p.user === 'hans' && p.state === 'online')
    await live.waitForType('presence', (p) => p.user === 'hans' && p.state === 'offline')
    expect((await dead.waitClosed()).code).toBe(1006)
    expect(h.logLines.some((line) => line.includes('no pong to the last ping'))).toBe(true)
    expect(await live.request({ type: 'whoelse' })).toMatchObject({ type: 'users', users: [] })
    expect(live.ofType('bye')).toEqual([])
  })
})

describe('session re-check at each heartbeat', () => {
  it('ends a connection whose session was logged out elsewhere', async () => {
    h = await Harness.start({ config: { heartbeatMs: 500 } })
    const observer = await h.loginAs('luke')
    const hans = await h.loginAs('hans')
    await h.auth.logout(hans.ofType('welcome')[0]!.token!)
    expect(await hans.waitForType('bye')).toMatchObject({ reason: 'revoked' })
    expect((await hans.waitClosed()).code).toBe(4001)
    await observer.waitForType('presence', (p) => p.user === 'hans' && p.state === 'offline')
  })

  it('ends the other sessions after a password change, and a suspended account with its own reason', async () => {
    h = await Harness.start({ config: { heartbeatMs: 500 } })
    const hans = await h.loginAs('hans')
    await h.auth.changePassword(await h.userId('hans'), PASSWORD, 'another long password')
    expect(await hans.waitForType('bye')).toMatchObject({ reason: 'revoked' })

    const luke = await h.loginAs('luke')
    await h.storage.users.setSuspension(await h.userId('luke'), Number.MAX_SAFE_INTEGER)
    expect(await luke.waitForType('bye')).toMatchObject({ reason: 'suspended' })
    expect((await luke.waitClosed()).code).toBe(4002)
  })

  it('ends browser tabs when the board session ends', async () => {
    h = await Harness.start({ config: { heartbeatMs: 500 } })
    await h.register('hans')
    const { token } = (await h.auth.login('hans', PASSWORD)).session
    const tab = await h.connect({ origin: 'https://localhost:8181', cookie: `__Host-parley=${token}` })
    await tab.request({ type: 'resume', v: 1 })
    await h.auth.logout(token)
    expect(await tab.waitForType('bye')).toMatchObject({ reason: 'revoked' })
  })
})

describe('session expiry', () => {
  it('refuses to resume an idle-expired token, and ends a connection past the absolute expiry', async () => {
    h = await Harness.start({ config: { heartbeatMs: 500 } })
    const hans = await h.loginAs('hans')
    const { token } = hans.ofType('welcome')[0]!
    hans.terminate()
    // Idle for longer than the session idle limit (30 min) while disconnected.
    h.clock.advance(h.auth.config.sessionIdleMs + 1000)
    const again = await h.connect()
    expect(await again.request({ type: 'resume', v: 1, token })).toMatchObject({ code: 'AUTH_UNAUTHORIZED' })

    // Connected sessions stay fresh (each heartbeat touches them) until the absolute limit.
    const luke = await h.loginAs('luke')
    h.clock.advance(h.auth.config.sessionAbsoluteMs + 1000)
    expect(await luke.waitForType('bye')).toMatchObject({ reason: 'revoked' })
    expect((await luke.waitClosed()).code).toBe(4001)
  })
})
