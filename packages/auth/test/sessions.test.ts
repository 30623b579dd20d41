import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { hashToken } from '../src/index.js'
import { codeOf, makeAuth } from './helpers.js'

const MINUTE = 60_000

describe('sessions', () => {
  it('stores only the SHA-256 of the token, with client info and a 12 h absolute expiry', async () => {
    const { auth, storage, clock } = await makeAuth()
    const { user, session } = await auth.register('alice', 'password1', { ip: '::1', userAgent: 'test-agent' })
    const [row] = await storage.sessions.listUserSessions(user.id)
    expect(row).toMatchObject({ tokenHash: hashToken(session.token), ip: '::1', userAgent: 'test-agent' })
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(row?.tokenHash).not.toContain(session.token)
    expect(session.expiresAt).toBe(clock.now + 12 * 60 * MINUTE)
    expect(auth.hashToken(session.token)).toBe(row?.tokenHash)
  })

  it('issues a new token on every login (rotation); the board revokes the old one', async () => {
    const { auth } = await makeAuth()
    const first = await auth.register('alice', 'password1')
    const second = await auth.login('alice', 'password1')
    const third = await auth.login('alice', 'password1')
    expect(new Set([first.session.token, second.session.token, third.session.token]).size).toBe(3)
    await auth.logout(first.session.token)
    expect(await auth.authenticate(first.session.token)).toBeNull()
    expect((await auth.authenticate(third.session.token))?.user.username).toBe('alice')
  })

  it('revokes the session server-side on logout; unknown tokens are a no-op', async () => {
    const { auth, storage } = await makeAuth()
    const { user, session } = await auth.register('alice', 'password1')
    await auth.logout(session.token)
    expect(await auth.authenticate(session.token)).toBeNull()
    expect(await storage.sessions.listUserSessions(user.id)).toEqual([])
    await expect(auth.logout(session.token)).resolves.toBeUndefined()
    await expect(auth.logout('not a token')).resolves.toBeUndefined()
  })

  it('returns null for missing, malformed and unknown tokens', async () => {
    const { auth } = await makeAuth()
    for (const token of [null, undefined, '', 'x', 'A'.repeat(43), `${'A'.repeat(42)}=`]) {
      expect(await auth.authenticate(token)).toBeNull()
    }
  })

  it('ends a session idle for 30 minutes and deletes its row', async () => {
    const { auth, storage, clock } = await makeAuth()
    const { user, session } = await auth.register('alice', 'password1')
    clock.now += 29 * MINUTE
    expect(await auth.authenticate(session.token)).not.toBeNull() // use keeps it alive…
    clock.now += 29 * MINUTE
    expect(await auth.authenticate(session.token)).not.toBeNull()
    clock.now += 30 * MINUTE // …but 30 idle minutes end it
    expect(await auth.authenticate(session.token)).toBeNull()
    expect(await storage.sessions.listUserSessions(user.id)).toEqual([])
  })

  it('touches lastSeenAt at most once a minute', async () => {
    const { auth, storage, clock } = await makeAuth()
    const { user, session } = await auth.register('alice', 'password1')
    const created = clock.now
    clock.now += 10_000
    expect((await auth.authenticate(session.token))?.session.lastSeenAt).toBe(created)
    clock.now += MINUTE
    expect((await auth.authenticate(session.token))?.session.lastSeenAt).toBe(clock.now)
    expect((await storage.sessions.listUserSessions(user.id))[0]?.lastSeenAt).toBe(clock.now)
  })

  it('ends a session 12 hours after login however busy it is', async () => {
    const { auth, clock } = await makeAuth()
    const { session } = await auth.register('alice', 'password1')
    const end = clock.now + 12 * 60 * MINUTE
    while (clock.now + 20 * MINUTE < end) {
      clock.now += 20 * MINUTE
      expect(await auth.authenticate(session.token)).not.toBeNull()
    }
    clock.now = end
    expect(await auth.authenticate(session.token)).toBeNull()
  })

  it('returns null for a suspended user and for a deleted one', async () => {
    const { auth, storage, clock } = await makeAuth()
    const alice = await auth.register('alice', 'password1')
    const bob = await auth.register('bob', 'password1')
    await storage.users.setSuspension(alice.user.id, clock.now + MINUTE)
    expect(await auth.authenticate(alice.session.token)).toBeNull()
    await storage.users.deleteUser(bob.user.id)
    expect(await auth.authenticate(bob.session.token)).toBeNull()
  })

  it('changePassword checks the current password, keeps this session and revokes the others', async () => {
    const { auth } = await makeAuth()
    const { user, session: here } = await auth.register('alice', 'password1')
    const elsewhere = await auth.login('alice', 'password1')
    expect(await codeOf(auth.changePassword(user.id, 'wrong-password', 'new-password'))).toBe(
      ErrorCode.InvalidCredentials,
    )
    expect(await codeOf(auth.changePassword(user.id, 'password1', 'short'))).toBe(ErrorCode.PasswordTooShort)
    const revoked = await auth.changePassword(user.id, 'password1', 'new-password', here.token)
    expect(revoked).toEqual([auth.hashToken(elsewhere.session.token)])
    expect(await auth.authenticate(elsewhere.session.token)).toBeNull()
    expect(await auth.authenticate(here.token)).not.toBeNull()
    expect(await codeOf(auth.login('alice', 'password1'))).toBe(ErrorCode.InvalidCredentials)
    await expect(auth.login('alice', 'new-password')).resolves.toBeTruthy()
  })

  it('setPassword (admin reset) revokes every session and clears the lockout', async () => {
    const { auth } = await makeAuth()
    const { user, session } = await auth.register('alice', 'password1')
    for (const guess of ['w1', 'w2', 'w3']) await codeOf(auth.login('alice', guess))
    expect(await auth.setPassword(user.id, 'reset-password')).toEqual([auth.hashToken(session.token)])
    expect(await auth.authenticate(session.token)).toBeNull()
    await expect(auth.login('alice', 'reset-password')).resolves.toBeTruthy()
  })
})
