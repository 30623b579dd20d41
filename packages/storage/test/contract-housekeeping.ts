/**
 * The contract for bounded history (issue 14): `whoelsesince` answers at most a page of ids, and
 * the presence history older than the longest window can be pruned (open rows never). Called by
 * `runStorageContract` inside its describe, with a getter for the fresh storage of each test.
 * @module
 */
import { describe, expect, it } from 'vitest'
import type { Storage, UserRow } from '../src/index.js'

const T0 = 1_700_000_000_000

export function runHousekeepingContract(current: () => Storage): void {
  function addUser(username: string): Promise<UserRow> {
    return current().users.createUser({
      username,
      usernameKey: username.toLowerCase(),
      passwordHash: `$argon2id$fake$${username}`,
      createdAt: T0,
    })
  }

  describe('presence history bounds', () => {
    it('answers at most `limit` users online since a moment, lowest ids first', async () => {
      const s = current()
      const users = [await addUser('Ann'), await addUser('Bob'), await addUser('Cy')]
      for (const user of users) await s.presence.openPresence(user.id, 'gw-1', T0)
      expect(await s.presence.usersOnlineSince(T0, 2)).toEqual([users[0]!.id, users[1]!.id])
      expect(await s.presence.usersOnlineSince(T0)).toEqual(users.map((user) => user.id))
    })

    it('prunes sessions that ended before a moment, never one still open', async () => {
      const s = current()
      const [ann, bob, cy] = [await addUser('Ann'), await addUser('Bob'), await addUser('Cy')]
      await s.presence.closePresence(await s.presence.openPresence(ann!.id, 'gw-1', T0), T0 + 100)
      await s.presence.closePresence(await s.presence.openPresence(bob!.id, 'gw-1', T0), T0 + 300)
      await s.presence.openPresence(cy!.id, 'gw-1', T0) // still online
      expect(await s.presence.prunePresence(T0 + 200)).toBe(1)
      expect(await s.presence.usersOnlineSince(0)).toEqual([bob!.id, cy!.id])
      expect(await s.presence.prunePresence(T0 + 200)).toBe(0)
      expect(await s.presence.prunePresence(T0 + 10_000)).toBe(1)
      expect(await s.presence.usersOnlineSince(0)).toEqual([cy!.id])
    })
  })
}
