/**
 * The contract for replies (issue 16): one level of replies under a top-level post, oldest first and
 * paged both ways, with the post's reply count and latest activity kept right through every insert and
 * delete; a deleted post with replies stays as a placeholder; moderation, reports and export see replies.
 * Called by `runStorageContract` inside its describe.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { type Storage, StorageErrorCode } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000

export function runReplyContract(current: () => Storage): void {
  async function user(username: string) {
    const s = current()
    return (
      (await s.users.getUserByKey(username)) ??
      (await s.users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 }))
    )
  }
  async function reply(parentId: number, username: string, body: string, at: number, quoteId: number | null = null) {
    return current().posts.createReply({ parentId, authorId: (await user(username)).id, body, quoteId, createdAt: at })
  }

  describe('replies', () => {
    it('adds replies under a post, oldest first, and keeps its count and latest activity', async () => {
      const s = current()
      const ann = await user('ann')
      const post = await s.posts.createPost(ann.id, 'question', T0)
      expect(post).toMatchObject({ parentId: null, quoteId: null, deletedAt: null, replyCount: 0, lastActivityAt: T0 })
      const first = await reply(post.id, 'bob', 'answer one', T0 + 10)
      expect(first).toEqual({
        id: expect.any(Number),
        authorId: (await user('bob')).id,
        authorName: 'bob',
        body: 'answer one',
        createdAt: T0 + 10,
        updatedAt: null,
        parentId: post.id,
        quoteId: null,
        deletedAt: null,
        replyCount: 0,
        lastActivityAt: T0 + 10,
      })
      const second = await reply(post.id, 'ann', 'thanks', T0 + 20, first.id)
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 2, lastActivityAt: T0 + 20 })
      const replies = await s.posts.listReplies(post.id, { limit: 10 })
      expect(replies.map((r) => r.body)).toEqual(['answer one', 'thanks'])
      expect(replies[0]).toMatchObject({ quotedAuthorName: null, quotedBody: null })
      expect(replies[1]).toMatchObject({
        id: second.id,
        quoteId: first.id,
        quotedAuthorName: 'bob',
        quotedBody: 'answer one',
      })
    })

    it('keeps the board list to top-level posts, with their counts', async () => {
      const s = current()
      const ann = await user('ann')
      const a = await s.posts.createPost(ann.id, 'a', T0)
      const b = await s.posts.createPost(ann.id, 'b', T0 + 1)
      await reply(a.id, 'bob', 'on a', T0 + 5)
      const list = await s.posts.listPosts({ limit: 10 })
      expect(list.map((p) => [p.id, p.replyCount, p.lastActivityAt])).toEqual([
        [b.id, 0, T0 + 1],
        [a.id, 1, T0 + 5],
      ])
    })

    it('pages replies forward with after and backward with before, both oldest first', async () => {
      const s = current()
      const post = await s.posts.createPost((await user('ann')).id, 'p', T0)
      const other = await s.posts.createPost((await user('ann')).id, 'other', T0)
      const ids: number[] = []
      for (let i = 0; i < 5; i++) {
        ids.push((await reply(post.id, 'bob', `r${i}`, T0 + i)).id)
        await reply(other.id, 'bob', `elsewhere ${i}`, T0 + i)
      }
      const first = await s.posts.listReplies(post.id, { limit: 2 })
      expect(first.map((r) => r.body)).toEqual(['r0', 'r1'])
      const next = await s.posts.listReplies(post.id, { after: first.at(-1)!.id, limit: 2 })
      expect(next.map((r) => r.body)).toEqual(['r2', 'r3'])
      const last = await s.posts.listReplies(post.id, { before: ids[4]! + 1, limit: 2 })
      expect(last.map((r) => r.body)).toEqual(['r3', 'r4'])
      const earlier = await s.posts.listReplies(post.id, { before: last[0]!.id, limit: 2 })
      expect(earlier.map((r) => r.body)).toEqual(['r1', 'r2'])
      expect(await s.posts.listReplies(post.id, { after: ids[4]!, limit: 2 })).toEqual([])
      await expect(s.posts.listReplies(post.id, { limit: 0 })).rejects.toBeInstanceOf(RangeError)
    })

    it('refuses a reply to a reply, to a missing or deleted post, a foreign quote, or an unknown author', async () => {
      const s = current()
      const ann = await user('ann')
      const post = await s.posts.createPost(ann.id, 'p', T0)
      const other = await s.posts.createPost(ann.id, 'other', T0)
      const r = await reply(post.id, 'bob', 'r', T0 + 1)
      const elsewhere = await reply(other.id, 'bob', 'x', T0 + 1)
      await expectStorageError(reply(r.id, 'ann', 'nested', T0 + 2), StorageErrorCode.NotFound)
      await expectStorageError(reply(4242, 'ann', 'nowhere', T0 + 2), StorageErrorCode.NotFound)
      await expectStorageError(
        reply(post.id, 'ann', 'quotes another post', T0 + 2, elsewhere.id),
        StorageErrorCode.NotFound,
      )
      await expectStorageError(reply(post.id, 'ann', 'quotes the post', T0 + 2, post.id), StorageErrorCode.NotFound)
      await expectStorageError(
        s.posts.createReply({ parentId: post.id, authorId: 4242, body: 'who', quoteId: null, createdAt: T0 + 2 }),
        StorageErrorCode.NotFound,
      )
      // Nothing was counted for the refused replies.
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 1, lastActivityAt: T0 + 1 })
      expect(await s.posts.deletePost(post.id, ann.id, T0 + 3)).toBe(true)
      await expectStorageError(reply(post.id, 'bob', 'to a deleted post', T0 + 4), StorageErrorCode.NotFound)
    })

    it("lets a reply's author edit and delete it; the count and latest activity follow", async () => {
      const s = current()
      const ann = await user('ann')
      const bob = await user('bob')
      const post = await s.posts.createPost(ann.id, 'p', T0)
      const r1 = await reply(post.id, 'bob', 'one', T0 + 1)
      const r2 = await reply(post.id, 'cid', 'two', T0 + 2, r1.id)
      expect(await s.posts.updatePost(r1.id, ann.id, 'hijack', T0 + 3)).toBeNull()
      expect(await s.posts.updatePost(r1.id, bob.id, 'one, edited', T0 + 3)).toMatchObject({
        body: 'one, edited',
        updatedAt: T0 + 3,
        parentId: post.id,
      })
      expect(await s.posts.deletePost(r2.id, bob.id)).toBe(false)
      expect(await s.posts.deletePost(r2.id, (await user('cid')).id)).toBe(true)
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 1, lastActivityAt: T0 + 1 })
      // A moderator delete (authorId null) of the quoted reply: the quote goes, the post drops to no activity but its own.
      const r3 = await reply(post.id, 'cid', 'three', T0 + 4, r1.id)
      expect(await s.posts.deletePost(r1.id, null)).toBe(true)
      expect(await s.posts.getPost(r3.id)).toMatchObject({ quoteId: null })
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 1, lastActivityAt: T0 + 4 })
      expect(await s.posts.deletePost(r3.id, null)).toBe(true)
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 0, lastActivityAt: T0, deletedAt: null })
    })

    it('keeps a deleted post with replies as a placeholder, removed with its last reply', async () => {
      const s = current()
      const ann = await user('ann')
      const post = await s.posts.createPost(ann.id, 'secret words', T0)
      const lonely = await s.posts.createPost(ann.id, 'no replies', T0)
      const r = await reply(post.id, 'bob', 'r', T0 + 1)
      await s.reports.create({ postId: post.id, reporterId: (await user('bob')).id, reason: 'x', createdAt: T0 + 1 })
      expect(await s.posts.deletePost(post.id, ann.id, T0 + 5)).toBe(true)
      expect(await s.posts.getPost(post.id)).toMatchObject({
        body: '',
        authorId: null,
        authorName: null,
        deletedAt: T0 + 5,
        replyCount: 1,
      })
      expect(await s.reports.countOpen()).toBe(0)
      expect(await s.posts.updatePost(post.id, ann.id, 'back', T0 + 6)).toBeNull()
      expect(await s.posts.deletePost(post.id, null)).toBe(false)
      expect(await s.posts.deletePost(lonely.id, ann.id)).toBe(true)
      expect(await s.posts.getPost(lonely.id)).toBeNull()
      expect((await s.posts.listPosts({ limit: 10 })).map((p) => p.id)).toEqual([post.id])
      expect((await s.posts.listReplies(post.id, { limit: 10 })).map((x) => x.id)).toEqual([r.id])
      expect(await s.posts.deletePost(r.id, null)).toBe(true)
      expect(await s.posts.getPost(post.id)).toBeNull()
      expect(await s.posts.listPosts({ limit: 10 })).toEqual([])
    })

    it('moderates replies and placeholders with an audit entry, and takes reports of replies', async () => {
      const s = current()
      const ann = await user('ann')
      const bob = await user('bob')
      const post = await s.posts.createPost(ann.id, 'p', T0)
      const r = await reply(post.id, 'bob', 'rude reply', T0 + 1)
      const filed = await s.reports.create({ postId: r.id, reporterId: ann.id, reason: 'rude', createdAt: T0 + 2 })
      expect(filed.report).toMatchObject({ postId: r.id, postBody: 'rude reply', postAuthorName: 'bob' })
      const audit = { actorId: ann.id, reason: 'rude', at: T0 + 3 }
      expect(await s.moderation.deletePost(r.id, audit)).toMatchObject({ id: r.id, body: 'rude reply' })
      expect(await s.reports.countOpen()).toBe(0)
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 0 })
      await reply(post.id, 'bob', 'kinder', T0 + 4)
      expect(await s.moderation.deletePost(post.id, { ...audit, at: T0 + 5 })).toMatchObject({ body: 'p' })
      expect(await s.posts.getPost(post.id)).toMatchObject({ deletedAt: T0 + 5, body: '' })
      expect(await s.moderation.deletePost(post.id, { ...audit, at: T0 + 6 })).toBeNull()
      const actions = (await s.audit.list({ limit: 10 })).map((e) => [e.action, e.targetPostId])
      expect(actions).toEqual([
        ['post.delete', post.id],
        ['post.delete', r.id],
      ])
      // Data export: an author's replies are among their posts.
      expect((await s.posts.listPostsByAuthor(bob.id, { limit: 10 })).map((p) => p.body)).toEqual(['kinder'])
    })

    it('counts right when many replies come and go at once', async () => {
      const s = current()
      const post = await s.posts.createPost((await user('ann')).id, 'busy', T0)
      const bob = await user('bob')
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.posts.createReply({
            parentId: post.id,
            authorId: bob.id,
            body: `r${i}`,
            quoteId: null,
            createdAt: T0 + i + 1,
          }),
        ),
      )
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 20, lastActivityAt: T0 + 20 })
      const gone = made.filter((_, i) => i % 2 === 1 || i === 19)
      const results = await Promise.all(gone.map((r) => s.posts.deletePost(r.id, bob.id)))
      expect(results.every(Boolean)).toBe(true)
      expect(await s.posts.getPost(post.id)).toMatchObject({ replyCount: 10, lastActivityAt: T0 + 19 })
      expect((await s.posts.listReplies(post.id, { limit: 100 })).length).toBe(10)
    })

    it('settles a reply racing the deletion of its post: a placeholder with the reply, or neither', async () => {
      const s = current()
      const ann = await user('ann')
      const bob = await user('bob')
      for (let round = 0; round < 5; round++) {
        const post = await s.posts.createPost(ann.id, `race ${round}`, T0)
        const [made, deleted] = await Promise.allSettled([
          s.posts.createReply({
            parentId: post.id,
            authorId: bob.id,
            body: 'me too',
            quoteId: null,
            createdAt: T0 + 1,
          }),
          s.posts.deletePost(post.id, ann.id, T0 + 2),
        ])
        expect(deleted).toEqual({ status: 'fulfilled', value: true })
        const after = await s.posts.getPost(post.id)
        if (made.status === 'fulfilled') {
          expect(after).toMatchObject({ deletedAt: T0 + 2, replyCount: 1, body: '' })
        } else {
          expect((made.reason as { code?: string }).code).toBe(StorageErrorCode.NotFound)
          expect(after).toBeNull()
        }
      }
    })
  })
}
