import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { createArgon2Hasher, createAuth, defaultAuthConfig, type PasswordHasher } from '../src/index.js'
import { codeOf, makeAuth } from './helpers.js'

/**
 * Real argon2id, except that the next verification, once it has succeeded, waits for `release()`:
 * the test changes the password exactly while a login sits between "password checked" and "session
 * written". `rehash` makes every stored hash look outdated, as after raising the argon2 settings.
 */
function pausingHasher(options: { rehash?: boolean } = {}) {
  const inner = createArgon2Hasher(defaultAuthConfig.argon2)
  let arm: { reached: () => void; gate: Promise<void> } | null = null
  let release = () => {}
  const hasher: PasswordHasher = {
    hash: (password) => inner.hash(password),
    needsRehash: (hash) => options.rehash === true || inner.needsRehash(hash),
    async verify(hash, password) {
      const ok = await inner.verify(hash, password)
      const paused = arm
      arm = null
      if (paused) {
        paused.reached()
        await paused.gate
      }
      return ok
    },
  }
  /** Arms the pause; resolves when the next verification has reached it. */
  function pauseNextVerify(): Promise<void> {
    return new Promise((reached) => {
      const gate = new Promise<void>((open) => {
        release = open
      })
      arm = { reached, gate }
    })
  }
  return { hasher, pauseNextVerify, release: () => release() }
}

async function setUp(options: { rehash?: boolean } = {}) {
  const base = await makeAuth()
  const pausing = pausingHasher(options)
  const auth = createAuth({ storage: base.storage, hasher: pausing.hasher })
  const { user, session } = await auth.register('alice', 'old-password')
  return { ...base, auth, pausing, user, firstSession: session }
}

describe('a login racing a password change', () => {
  it('never yields a session when the change lands while argon2 runs', async () => {
    const { auth, storage, pausing, user, firstSession } = await setUp()
    const reached = pausing.pauseNextVerify()
    const late = auth.login('alice', 'old-password')
    await reached
    const revoked = await auth.changePassword(user.id, 'old-password', 'new-password', firstSession.token)
    pausing.release()
    expect(await codeOf(late)).toBe(ErrorCode.InvalidCredentials)
    expect(revoked).toEqual([])
    // Only the session that changed the password is left, and it still works.
    const sessions = await storage.sessions.listUserSessions(user.id)
    expect(sessions.map((s) => s.tokenHash)).toEqual([auth.hashToken(firstSession.token)])
    expect((await auth.authenticate(firstSession.token))?.user.id).toBe(user.id)
    expect((await auth.login('alice', 'new-password')).user.id).toBe(user.id)
  })

  it('never yields a session when an admin reset lands while argon2 runs', async () => {
    const { auth, storage, pausing, user, firstSession } = await setUp()
    const reached = pausing.pauseNextVerify()
    const late = auth.login('alice', 'old-password')
    await reached
    await auth.setPassword(user.id, 'reset-password')
    pausing.release()
    expect(await codeOf(late)).toBe(ErrorCode.InvalidCredentials)
    expect(await storage.sessions.listUserSessions(user.id)).toEqual([])
    expect(await auth.authenticate(firstSession.token)).toBeNull()
  })

  it('does not write a rehash of the old password over the new one', async () => {
    const { auth, storage, pausing, user, firstSession } = await setUp({ rehash: true })
    const reached = pausing.pauseNextVerify()
    const late = auth.login('alice', 'old-password')
    await reached
    await auth.changePassword(user.id, 'old-password', 'new-password', firstSession.token)
    const newHash = (await storage.users.getUserById(user.id))?.passwordHash
    pausing.release()
    expect(await codeOf(late)).toBe(ErrorCode.InvalidCredentials)
    expect((await storage.users.getUserById(user.id))?.passwordHash).toBe(newHash)
    expect(await codeOf(auth.login('alice', 'old-password'))).toBe(ErrorCode.InvalidCredentials)
  })

  it('a rehash at login keeps the other sessions of the same password', async () => {
    const { auth, storage, user, firstSession } = await setUp({ rehash: true })
    const before = (await storage.users.getUserById(user.id))?.passwordHash
    const { session } = await auth.login('alice', 'old-password')
    expect((await storage.users.getUserById(user.id))?.passwordHash).not.toBe(before)
    expect(await auth.authenticate(firstSession.token)).not.toBeNull()
    expect(await auth.authenticate(session.token)).not.toBeNull()
  })

  it('refuses a session issued before the last password change even if it was not deleted', async () => {
    const { auth, storage, user, firstSession } = await setUp()
    // A path that changes only the hash (an old tool, a restored row) still ends the session.
    const { passwordHash } = (await storage.users.getUserById(user.id))!
    await storage.users.updatePasswordHash(user.id, `${passwordHash}x`)
    expect(await storage.sessions.getSession(auth.hashToken(firstSession.token))).not.toBeNull()
    expect(await auth.authenticate(firstSession.token)).toBeNull()
  })
})
