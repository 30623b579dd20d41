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
