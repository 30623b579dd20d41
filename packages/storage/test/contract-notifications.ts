/**
 * The contract for notifications (issue 17): mentions and replies addressed to a user, with the rules
 * applied by the store itself (not oneself, not from someone the recipient blocks, not for an event
 * turned off, once per recipient and post), newest-first pages, unread counts, "mark all read"
 * and per-user preferences. Called by `runStorageContract` inside its describe.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type NewNotification, type Storage, StorageErrorCode, type UserRow } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runNotificationContract(current: () => Storage): void {
  function addUser(username: string): Promise<UserRow> {
    return current().users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 })
  }

  function mention(recipient: UserRow, actor: UserRow, postId: number, at = T0): NewNotification {
    return { recipientId: recipient.id, kind: 'mention', actorId: actor.id, postId, excerpt: 'hi @you', createdAt: at }
  }

  describe('notifications', () => {
    it('stores a mention with the actor and the post to open, once per recipient and post', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      const post = await s.posts.createPost(hans.id, 'hi @ann', T0)
      const stored = await s.notifications.create({ ...mention(ann, hans, post.id), excerpt: 'hi @ann' })
      expect(stored).toEqual({
        id: expect.any(Number),
        recipientId: ann.id,
        kind: 'mention',
        actorId: hans.id,
        actorName: 'hans',
        postId: post.id,
        threadId: post.id,
        excerpt: 'hi @ann',
        createdAt: T0,
        readAt: null,
      })
      expect(await s.notifications.create(mention(ann, hans, post.id, T0 + 5))).toBeNull()
      // Once per post whatever the kind: the first stored wins.
      expect(await s.notifications.create({ ...mention(ann, hans, post.id), kind: 'reply' })).toBeNull()
      expect(await s.notifications.countUnread(ann.id)).toBe(1)
    })

    it('points a reply notification at the post the reply answers', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      const post = await s.posts.createPost(ann.id, 'a question', T0)
      const answer = await s.posts.createReply({
        parentId: post.id,
        authorId: hans.id,
        body: 'an answer',
        quoteId: null,
        createdAt: T0 + 1,
      })
      const stored = await s.notifications.create({ ...mention(ann, hans, answer.id), kind: 'reply' })
      expect(stored).toMatchObject({ postId: answer.id, threadId: post.id, kind: 'reply' })
    })

    it('stores nothing for oneself, for a recipient who blocks the actor, or for unknown users and posts', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      const post = await s.posts.createPost(hans.id, 'hello', T0)
      expect(await s.notifications.create(mention(hans, hans, post.id))).toBeNull()
      await s.blocks.block(ann.id, hans.id)
      expect(await s.notifications.create(mention(ann, hans, post.id))).toBeNull()
      expect(await s.notifications.create({ ...mention(ann, hans, post.id), kind: 'reply' })).toBeNull()
      await s.blocks.unblock(ann.id, hans.id)
      // Only the recipient's block counts: the actor blocking the recipient does not silence the actor.
      await s.blocks.block(hans.id, ann.id)
      expect(await s.notifications.create(mention(ann, hans, post.id))).not.toBeNull()
      expect(await s.notifications.create({ ...mention(ann, hans, post.id + 1000) })).toBeNull()
      expect(await s.notifications.create({ ...mention(ann, hans, post.id), recipientId: 9999 })).toBeNull()
      expect(await s.notifications.countUnread(ann.id)).toBe(1)
      expect(await s.notifications.countUnread(hans.id)).toBe(0)
    })

    it('honours the recipient’s preferences: all on by default, each kind switched alone', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      expect(await s.notifications.getPreferences(ann.id)).toEqual({ mention: true, reply: true })
      await s.notifications.setPreferences(ann.id, { mention: false, reply: true })
      expect(await s.notifications.getPreferences(ann.id)).toEqual({ mention: false, reply: true })
      const post = await s.posts.createPost(hans.id, 'hi @ann', T0)
      expect(await s.notifications.create(mention(ann, hans, post.id))).toBeNull()
      expect(await s.notifications.create({ ...mention(ann, hans, post.id), kind: 'reply' })).not.toBeNull()
      await s.notifications.setPreferences(ann.id, { mention: true, reply: false })
      expect(await s.notifications.getPreferences(ann.id)).toEqual({ mention: true, reply: false })
      const second = await s.posts.createPost(hans.id, 'again @ann', T0)
      expect(await s.notifications.create({ ...mention(ann, hans, second.id), kind: 'reply' })).toBeNull()
      expect(await s.notifications.create(mention(ann, hans, second.id))).not.toBeNull()
      await expectStorageError(
        s.notifications.setPreferences(9999, { mention: true, reply: true }),
        StorageErrorCode.NotFound,
      )
    })

    it('lists newest first in pages, counts unread, and marks all (or those up to an id) read', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      const ids: number[] = []
      for (let i = 0; i < 5; i++) {
        const post = await s.posts.createPost(hans.id, `post ${i} @ann`, T0 + i)
        const row = await s.notifications.create(mention(ann, hans, post.id, T0 + i))
        ids.push(row!.id)
      }
      const first = await s.notifications.list(ann.id, { limit: 3 })
      expect(first.map((row) => row.id)).toEqual([ids[4], ids[3], ids[2]])
      const second = await s.notifications.list(ann.id, { before: first.at(-1)!.id, limit: 3 })
      expect(second.map((row) => row.id)).toEqual([ids[1], ids[0]])
      expect(await s.notifications.list(hans.id, { limit: 10 })).toEqual([])
      expect(await s.notifications.countUnread(ann.id)).toBe(5)

      expect(await s.notifications.markAllRead(ann.id, T0 + 100, ids[2])).toBe(3)
      expect(await s.notifications.countUnread(ann.id)).toBe(2)
      expect(await s.notifications.markAllRead(ann.id, T0 + 200)).toBe(2)
      expect(await s.notifications.markAllRead(ann.id, T0 + 300)).toBe(0)
      const read = await s.notifications.list(ann.id, { limit: 10 })
      expect(read.map((row) => row.readAt)).toEqual([T0 + 200, T0 + 200, T0 + 100, T0 + 100, T0 + 100])
      await expect(s.notifications.list(ann.id, { limit: 0 })).rejects.toThrow(RangeError)
    })

    it('follows everyone’s new notifications oldest first from an id (a gateway without a shared bus)', async () => {
      const s = current()
      expect(await s.notifications.latestId()).toBe(0)
      const ann = await addUser('ann')
      const bob = await addUser('bob')
      const hans = await addUser('hans')
      const post = await s.posts.createPost(hans.id, 'hi @ann @bob', T0)
      const first = await s.notifications.create(mention(ann, hans, post.id))
      const start = await s.notifications.latestId()
      expect(start).toBe(first!.id)
      const second = await s.notifications.create(mention(bob, hans, post.id))
      const other = await s.posts.createPost(hans.id, 'again @ann', T0)
      const third = await s.notifications.create(mention(ann, hans, other.id))
      expect((await s.notifications.listAfter(start, 10)).map((row) => row.id)).toEqual([second!.id, third!.id])
      expect((await s.notifications.listAfter(0, 2)).map((row) => row.id)).toEqual([first!.id, second!.id])
      expect(await s.notifications.listAfter(third!.id, 10)).toEqual([])
      expect(await s.notifications.latestId()).toBe(third!.id)
      await expect(s.notifications.listAfter(0, 0)).rejects.toThrow(RangeError)
    })

    it('goes with its post and its recipient; a deleted actor leaves it anonymised', async () => {
      const s = current()
      const ann = await addUser('ann')
      const hans = await addUser('hans')
      const bob = await addUser('bob')
      const kept = await s.posts.createPost(hans.id, 'hi @ann', T0)
      const gone = await s.posts.createPost(bob.id, 'hey @ann', T0)
      await s.notifications.create(mention(ann, hans, kept.id))
      await s.notifications.create(mention(ann, bob, gone.id))
      expect(await s.posts.deletePost(gone.id, bob.id, T0 + 1)).toBe(true)
      expect((await s.notifications.list(ann.id, { limit: 10 })).map((row) => row.postId)).toEqual([kept.id])
      await s.users.deleteUser(hans.id)
      const [anonymous] = await s.notifications.list(ann.id, { limit: 10 })
      expect(anonymous).toMatchObject({ actorId: null, actorName: null, postId: kept.id })
      await s.notifications.setPreferences(ann.id, { mention: false, reply: false })
      await s.users.deleteUser(ann.id)
      expect(await s.notifications.countUnread(ann.id)).toBe(0)
      expect(await s.check()).toEqual([])
    })
  })
}
