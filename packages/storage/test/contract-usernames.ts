/**
 * The contract for username skeletons (issue 14): a name whose confusable skeleton another account
 * has is refused like a taken key, and accounts from before the rule get theirs filled in.
 * Called by `runStorageContract` inside its describe, with a getter for the fresh storage of each test.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type Storage, StorageErrorCode } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runUsernameContract(current: () => Storage): void {
  function addUser(username: string, usernameSkeleton?: string) {
    return current().users.createUser({
      username,
      usernameKey: username.toLowerCase(),
      ...(usernameSkeleton === undefined ? {} : { usernameSkeleton }),
      passwordHash: `$argon2id$fake$${username}`,
      createdAt: T0,
    })
  }

  describe('username skeletons', () => {
    it('finds an account by skeleton and refuses a second account with the same one', async () => {
      const s = current()
      const admin = await addUser('admin', 'adrnin')
      expect(await s.users.getUserBySkeleton('adrnin')).toEqual(admin)
      expect(await s.users.getUserBySkeleton('bob')).toBeNull()
      await expectStorageError(addUser('\u0430dmin', 'adrnin'), StorageErrorCode.Conflict)
      expect((await s.users.listUsers()).map((user) => user.username)).toEqual(['admin'])
    })

    it('lists accounts without a skeleton and fills them in, the older account first', async () => {
      const s = current()
      const old1 = await addUser('ann')
      const old2 = await addUser('\u0430nn') // two look-alikes from before the rule
      await addUser('bob', 'bob')
      expect((await s.users.listUsersWithoutSkeleton(10)).map((user) => user.id)).toEqual([old1.id, old2.id])
      expect(await s.users.setUsernameSkeleton(old1.id, 'ann')).toBe(true)
      expect(await s.users.setUsernameSkeleton(old2.id, 'ann')).toBe(false)
      expect((await s.users.getUserBySkeleton('ann'))?.id).toBe(old1.id)
      expect((await s.users.listUsersWithoutSkeleton(10)).map((user) => user.id)).toEqual([old2.id])
      expect((await s.users.listUsersWithoutSkeleton(1)).length).toBe(1)
    })
  })
}
