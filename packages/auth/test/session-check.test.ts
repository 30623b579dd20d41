import { describe, expect, it } from 'vitest'
import { hashToken } from '../src/index.js'
import { makeAuth } from './helpers.js'

const MINUTE = 60_000

describe('read-only session check (checkSession) and recorded activity (touchSession)', () => {
  it('checkSession does not refresh last-seen, so an idle session still ends after the idle time', async () => {
    const { auth, storage, clock } = await makeAuth()
    const { session } = await auth.register('alice', 'password1')
    const before = (await storage.sessions.getSession(hashToken(session.token)))!.lastSeenAt
    clock.now += 20 * MINUTE
    expect((await auth.checkSession(session.token))?.user.username).toBe('alice')
    expect((await storage.sessions.getSession(hashToken(session.token)))!.lastSeenAt).toBe(before)
    clock.now += 11 * MINUTE
    expect(await auth.checkSession(session.token)).toBeNull()
  })

  it('touchSession records what the user did: the idle time starts again', async () => {
    const { auth, clock } = await makeAuth()
    const { session } = await auth.register('alice', 'password1')
    clock.now += 20 * MINUTE
    await auth.touchSession(session.token)
    clock.now += 20 * MINUTE
    expect((await auth.checkSession(session.token))?.user.username).toBe('alice')
    await expect(auth.touchSession('not a token')).resolves.toBeUndefined()
  })
})

describe('pruneExpiredSessions', () => {
  it('deletes idle- and absolute-expired sessions and keeps live ones', async () => {
    const { auth, storage, clock } = await makeAuth()
    const idle = await auth.register('idle', 'password1')
    clock.now += 20 * MINUTE
    const live = await auth.register('live', 'password1')
    clock.now += 11 * MINUTE
    expect(await auth.pruneExpiredSessions()).toBe(1)
    expect(await storage.sessions.getSession(hashToken(idle.session.token))).toBeNull()
    expect(await storage.sessions.getSession(hashToken(live.session.token))).not.toBeNull()
    // Past the absolute expiry, even a session in use goes.
    for (let hour = 0; hour < 12; hour++) {
      clock.now += 20 * MINUTE
      await auth.touchSession(live.session.token)
      clock.now += 40 * MINUTE
      await auth.touchSession(live.session.token)
    }
    expect(await auth.pruneExpiredSessions()).toBe(1)
    expect(await storage.sessions.getSession(hashToken(live.session.token))).toBeNull()
  })
})
