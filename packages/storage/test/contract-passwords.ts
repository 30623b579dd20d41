/**
 * The contract for password versions (issue 14): a password change ends older sessions for good, a
 * login commits its session only under the hash it verified, and a rehash keeps the user's sessions.
 * Called by `runStorageContract` inside its describe, with a getter for the fresh storage of each test.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type SessionRow, type Storage, StorageErrorCode, type UserRow } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runPasswordContract(current: () => Storage): void {
  function addUser(username: string): Promise<UserRow> {
    return current().users.createUser({
      username,
      usernameKey: username.toLowerCase(),
      passwordHash: `$argon2id$fake$${username}`,
      createdAt: T0,
    })
  }

  function row(userId: number, tokenHash: string): SessionRow {
    return { tokenHash, userId, createdAt: T0, lastSeenAt: T0, expiresAt: T0 + 3_600_000, userAgent: null, ip: null }
  }

  describe('password versions', () => {
    it('creates a login session only while the verified hash is current', async () => {
      const s = current()
      const ann = await addUser('Ann')
      expect(await s.passwords.createLoginSession(row(ann.id, 'l1'), ann.passwordHash, null)).toBe(true)
      expect(await s.passwords.getCurrentSession('l1')).toMatchObject({ tokenHash: 'l1', userId: ann.id })
      await s.users.updatePasswordHash(ann.id, 'new-hash')
      // The login verified the old hash: nothing may be written.
      expect(await s.passwords.createLoginSession(row(ann.id, 'l2'), ann.passwordHash, 'rehash-of-old')).toBe(false)
      expect(await s.sessions.getSession('l2')).toBeNull()
      expect((await s.users.getUserById(ann.id))?.passwordHash).toBe('new-hash')
      // l1 predates the change: refused, even though nothing deleted it.
      expect(await s.passwords.getCurrentSession('l1')).toBeNull()
      expect(await s.passwords.createLoginSession(row(4242, 'l3'), 'x', null)).toBe(false)
    })

    it('a rehash of the same password keeps the sessions valid', async () => {
      const s = current()
      const ann = await addUser('Ann')
      await s.sessions.createSession(row(ann.id, 'old'))
      expect(await s.passwords.createLoginSession(row(ann.id, 'new'), ann.passwordHash, 'rehashed')).toBe(true)
      expect((await s.users.getUserById(ann.id))?.passwordHash).toBe('rehashed')
      expect(await s.passwords.getCurrentSession('old')).not.toBeNull()
      expect(await s.passwords.getCurrentSession('new')).not.toBeNull()
    })

    it('a change ends other sessions, keeps one valid, and a reset refuses them all', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      for (const hash of ['a1', 'a2', 'a3']) await s.sessions.createSession(row(ann.id, hash))
      await s.sessions.createSession(row(bob.id, 'b1'))
      expect((await s.passwords.changePassword(ann.id, 'h2', 'a2')).sort()).toEqual(['a1', 'a3'])
      expect(await s.passwords.getCurrentSession('a2')).not.toBeNull()
      expect(await s.passwords.getCurrentSession('b1')).not.toBeNull()
      await s.sessions.createSession(row(ann.id, 'a4')) // issued under the new password
      expect(await s.passwords.getCurrentSession('a4')).not.toBeNull()
      await s.moderation.resetPassword(ann.id, 'h3', { actorId: null, reason: null, at: T0 })
      await s.sessions.createSession(row(ann.id, 'a5'))
      expect(await s.passwords.getCurrentSession('a2')).toBeNull()
      expect(await s.passwords.getCurrentSession('a5')).not.toBeNull()
      await expectStorageError(s.passwords.changePassword(4242, 'h'), StorageErrorCode.NotFound)
    })
  })
}
