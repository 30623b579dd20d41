/**
 * The contract for full-text search (issue 17): posts (everyone's) and chat messages (only the
 * searcher's own), ranked, paged, highlighted as plain-text parts, kept in step with edits and
 * deletions, and safe for any query text. Called by `runStorageContract` inside its describe.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { MAX_SEARCH_DEPTH, type SnippetPart, type Storage } from '../src/index.js'

const T0 = 1_700_000_000_000

/** The excerpt as text with the matched words in [brackets], to assert on in one line. */
function marked(parts: readonly SnippetPart[]): string {
  return parts.map((part) => (part.match ? `[${part.text}]` : part.text)).join('')
}

export function runSearchContract(current: () => Storage): void {
  function addUser(username: string) {
    return current().users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 })
  }

  describe('search', () => {
    it('finds posts by all of their words, best match first, with the words marked', async () => {
      const s = current()
      const ann = await addUser('ann')
      const bob = await addUser('bob')
      const once = await s.posts.createPost(ann.id, 'The harbour ferry leaves at noon.', T0)
      const twice = await s.posts.createPost(bob.id, 'Ferry, ferry, ferry! The ferry timetable changed.', T0 + 1)
      await s.posts.createPost(bob.id, 'Nothing about boats here.', T0 + 2)

      const hits = await s.search.posts({ query: 'ferry', limit: 10 })
      expect(hits.map((hit) => hit.id)).toEqual([twice.id, once.id])
      expect(hits[1]).toMatchObject({ id: once.id, parentId: null, authorId: ann.id, authorName: 'ann', createdAt: T0 })
      expect(marked(hits[1]!.snippet)).toBe('The harbour [ferry] leaves at noon.')
      // Every word must match, in any case, in any order.
      expect((await s.search.posts({ query: 'NOON Harbour', limit: 10 })).map((hit) => hit.id)).toEqual([once.id])
      expect(await s.search.posts({ query: 'ferry submarine', limit: 10 })).toEqual([])
    })

    it('pages through the hits with limit and offset, without repeats', async () => {
      const s = current()
      const ann = await addUser('ann')
      const ids: number[] = []
      for (let i = 0; i < 7; i++) ids.push((await s.posts.createPost(ann.id, `lantern number ${i}`, T0 + i)).id)
      const pages = [
        await s.search.posts({ query: 'lantern', limit: 3 }),
        await s.search.posts({ query: 'lantern', limit: 3, offset: 3 }),
        await s.search.posts({ query: 'lantern', limit: 3, offset: 6 }),
      ]
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1])
      // Equal ranks: newest first.
      expect(pages.flat().map((hit) => hit.id)).toEqual([...ids].reverse())
      await expect(s.search.posts({ query: 'lantern', limit: 10, offset: MAX_SEARCH_DEPTH })).rejects.toThrow(
        RangeError,
      )
      await expect(s.search.posts({ query: 'lantern', limit: 0 })).rejects.toThrow(RangeError)
    })

    it('keeps the index in step with edits and deletions (own, moderator, account deletion)', async () => {
      const s = current()
      const ann = await addUser('ann')
      const mod = await addUser('mod')
      const post = await s.posts.createPost(ann.id, 'an old walrus', T0)
      const other = await s.posts.createPost(ann.id, 'another walrus', T0)
      await s.posts.updatePost(post.id, ann.id, 'a fresh pelican', T0 + 1)
      expect((await s.search.posts({ query: 'walrus', limit: 10 })).map((hit) => hit.id)).toEqual([other.id])
      expect((await s.search.posts({ query: 'old', limit: 10 })).map((hit) => hit.id)).toEqual([])
      const [edited] = await s.search.posts({ query: 'pelican', limit: 10 })
      expect(edited).toMatchObject({ id: post.id, updatedAt: T0 + 1 })

      expect(await s.posts.deletePost(post.id, ann.id)).toBe(true)
      expect(await s.search.posts({ query: 'pelican', limit: 10 })).toEqual([])
      await s.moderation.deletePost(other.id, { actorId: mod.id, reason: null, at: T0 + 2 })
      expect(await s.search.posts({ query: 'walrus', limit: 10 })).toEqual([])

      // A deleted account's posts stay findable, anonymised.
      const kept = await s.posts.createPost(ann.id, 'orphaned heron', T0 + 3)
      await s.users.deleteUser(ann.id)
      const [orphan] = await s.search.posts({ query: 'heron', limit: 10 })
      expect(orphan).toMatchObject({ id: kept.id, authorId: null, authorName: null })
      expect(await s.check()).toEqual([])
    })

    it('finds replies with their post, never a deleted post left as a placeholder for its replies', async () => {
      const s = current()
      const ann = await addUser('ann')
      const bob = await addUser('bob')
      const post = await s.posts.createPost(ann.id, 'a question about tides', T0)
      const reply = await s.posts.createReply({
        parentId: post.id,
        authorId: bob.id,
        body: 'tides follow the moon',
        quoteId: null,
        createdAt: T0 + 1,
      })
      const hits = await s.search.posts({ query: 'tides', limit: 10 })
      expect(hits.map((hit) => [hit.id, hit.parentId])).toEqual([
        [reply.id, post.id],
        [post.id, null],
      ])
      // The post has a reply: deleting it leaves an empty placeholder, which no search finds.
      expect(await s.posts.deletePost(post.id, ann.id)).toBe(true)
      expect((await s.search.posts({ query: 'tides', limit: 10 })).map((hit) => hit.id)).toEqual([reply.id])
      expect(await s.search.posts({ query: 'question', limit: 10 })).toEqual([])
      expect(await s.posts.deletePost(reply.id, bob.id)).toBe(true)
      expect(await s.search.posts({ query: 'tides', limit: 10 })).toEqual([])
      expect(await s.check()).toEqual([])
    })

    it('finds only the searcher own chat messages, both directions, never anyone else', async () => {
      const s = current()
      const ann = await addUser('ann')
      const bob = await addUser('bob')
      const eve = await addUser('eve')
      const send = (from: number, to: number, clientId: string, body: string, at = T0) =>
        s.messages.storeMessage({ senderId: from, recipientId: to, clientId, body, createdAt: at })
      const sent = (await send(ann.id, bob.id, 'c1', 'meet at the lighthouse', T0)).message
      const received = (await send(bob.id, ann.id, 'c2', 'the lighthouse is closed', T0 + 1)).message
      await send(bob.id, eve.id, 'c3', 'secret lighthouse plans', T0 + 2)

      const annHits = await s.search.messages(ann.id, { query: 'lighthouse', limit: 10 })
      expect(annHits.map((hit) => hit.id).sort((a, b) => a - b)).toEqual([sent.id, received.id])
      const mine = annHits.find((hit) => hit.id === sent.id)!
      expect(mine).toMatchObject({ senderId: ann.id, senderName: 'ann', recipientId: bob.id, recipientName: 'bob' })
      expect(marked(mine.snippet)).toBe('meet at the [lighthouse]')
      expect(await s.search.messages(ann.id, { query: 'secret', limit: 10 })).toEqual([])
      expect((await s.search.messages(eve.id, { query: 'lighthouse', limit: 10 })).map((hit) => hit.id)).toHaveLength(1)
      // Posts and messages are apart: a message is never a post hit.
      expect(await s.search.posts({ query: 'lighthouse', limit: 10 })).toEqual([])

      // After eve's account is deleted, her messages are nobody's to search (the NULL never matches).
      await s.users.deleteUser(eve.id)
      expect((await s.search.messages(bob.id, { query: 'secret', limit: 10 })).map((hit) => hit.id)).toHaveLength(1)
    })

    it('never fails on any query text, and finds nothing without a word', async () => {
      const s = current()
      const ann = await addUser('ann')
      const post = await s.posts.createPost(ann.id, 'Grüße aus Köln: "quoted" NEAR AND OR NOT café 東京都 e-mail', T0)
      const queries = [
        '',
        '   ',
        '"',
        '""',
        "'",
        '*',
        'NEAR(',
        'AND OR NOT',
        'body:café',
        '-e',
        '^grüße',
        '(((',
        '\\',
        '\u0000\u0002\u0003',
        '🙂',
        'a'.repeat(100_000),
        'x '.repeat(5000),
        '!@#$%^&*()_+{}|:<>?[];,./`~',
        "') OR 1=1 --",
        'e\u0301',
      ]
      for (const query of queries) {
        await expect(s.search.posts({ query, limit: 5 }), JSON.stringify(query.slice(0, 20))).resolves.toBeInstanceOf(
          Array,
        )
        await expect(s.search.messages(ann.id, { query, limit: 5 })).resolves.toBeInstanceOf(Array)
      }
      expect(await s.search.posts({ query: '"?!', limit: 5 })).toEqual([])
      // Operators are plain words: "NEAR AND" finds the post that says them.
      const words = ['"quoted"', 'NEAR AND', 'OR NOT', '東京都', 'Köln', 'e-mail', 'köln:café']
      for (const query of words) {
        expect(
          (await s.search.posts({ query, limit: 5 })).map((hit) => hit.id),
          query,
        ).toEqual([post.id])
      }
    })
  })
}
