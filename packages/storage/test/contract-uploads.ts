/**
 * The contract for media uploads (issue 14, item 11): who uploaded what, per-user usage for quotas and
 * rate limits, and audited removal. Called by `runStorageContract` inside its describe.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type Storage, StorageErrorCode } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runUploadContract(current: () => Storage): void {
  function addUser(username: string) {
    return current().users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 })
  }

  describe('media uploads', () => {
    it('records uploads, sums usage per user, counts recent ones, and refuses a second record of a name', async () => {
      const s = current()
      const ann = await addUser('ann')
      const bob = await addUser('bob')
      expect(await s.uploads.usage(ann.id, T0)).toEqual({ bytes: 0, recent: 0 })
      const first = await s.uploads.record({ name: 'a-1.wav', uploaderId: ann.id, size: 100, createdAt: T0 })
      expect(first).toEqual({ name: 'a-1.wav', uploaderId: ann.id, uploaderName: 'ann', size: 100, createdAt: T0 })
      await s.uploads.record({ name: 'a-2.wav', uploaderId: ann.id, size: 50, createdAt: T0 + 1000 })
      await s.uploads.record({ name: 'b-1.wav', uploaderId: bob.id, size: 7, createdAt: T0 })
      expect(await s.uploads.usage(ann.id, T0 + 1000)).toEqual({ bytes: 150, recent: 1 })
      expect((await s.uploads.list()).map((row) => row.name)).toEqual(['a-1.wav', 'a-2.wav', 'b-1.wav'])
      await expectStorageError(
        s.uploads.record({ name: 'a-1.wav', uploaderId: bob.id, size: 1, createdAt: T0 }),
        StorageErrorCode.Conflict,
      )
      await expectStorageError(
        s.uploads.record({ name: 'x.wav', uploaderId: 4242, size: 1, createdAt: T0 }),
        StorageErrorCode.NotFound,
      )
    })

    it('removes a record with an audit entry naming the uploader, and keeps uploads of a deleted account', async () => {
      const s = current()
      const ann = await addUser('ann')
      const root = await addUser('root')
      await s.uploads.record({ name: 'a.wav', uploaderId: ann.id, size: 10, createdAt: T0 })
      const removed = await s.uploads.remove('a.wav', { actorId: root.id, reason: 'spam', at: T0 + 5 })
      expect(removed?.uploaderId).toBe(ann.id)
      expect(await s.uploads.get('a.wav')).toBeNull()
      expect(await s.uploads.remove('a.wav', { actorId: root.id, reason: null, at: T0 + 6 })).toBeNull()
      const [entry] = await s.audit.list({ limit: 10 })
      expect(entry).toMatchObject({
        action: 'media.delete',
        actorName: 'root',
        targetName: 'ann',
        reason: 'spam',
        details: { name: 'a.wav', size: 10 },
      })
      await s.uploads.record({ name: 'b.wav', uploaderId: ann.id, size: 3, createdAt: T0 })
      await s.users.deleteUser(ann.id)
      expect(await s.uploads.get('b.wav')).toMatchObject({ uploaderId: null, uploaderName: null })
    })
  })
}
