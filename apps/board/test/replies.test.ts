/**
 * Replies on the board (issue 16), through the routes as a browser without JavaScript uses them: the
 * board's "Reply" link and counts, a post's page with its replies oldest first and paged, the reply form
 * (CSRF, validation, Post/Redirect/Get), quoting a reply, editing and deleting one's own reply, moderators
 * and reports, a deleted post kept as a placeholder, and the live events every board hears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostEvent } from '../src/events/post-events.js'
import { REPLY_PAGE_SIZE } from '../src/routes/post-page.js'
import { Client, createTestBoard, csrfOf, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client
let bob: Client
let admin: Client
const heard: PostEvent[] = []

beforeAll(async () => {
  board = await createTestBoard()
  alice = new Client(board.app)
  bob = new Client(board.app)
  admin = new Client(board.app)
  await alice.register('alice', 'alice password')
  await bob.register('bob', 'bob password')
  await admin.register('root', 'root password')
  await board.auth.promote(null, 'root', 'first admin')
  board.events.subscribe((event) => heard.push(event))
})
afterAll(async () => {
  await board?.close()
})

async function newPost(client: Client, body: string): Promise<number> {
  expect((await client.createPost(body)).statusCode).toBe(303)
  return Number(/<li class="post" id="post-(\d+)"/.exec((await client.get('/')).body)?.[1])
}

async function replyTo(client: Client, postId: number, body: string, quote?: number) {
  return client.submit(`/posts/${postId}`, `/posts/${postId}/replies`, {
    body,
    ...(quote === undefined ? {} : { quote: String(quote) }),
  })
}

/** The `<li>` of a post or reply on a page, or null. */
function itemHtml(html: string, id: number): string | null {
  return new RegExp(`<li class="post[^"]*" id="post-${id}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? null
}

describe('replying without JavaScript', () => {
  it('links each board post to its page, counts replies, and shows them there oldest first', async () => {
    const postId = await newPost(alice, 'Where do we meet?')
    const boardPage = (await bob.get('/')).body
    expect(itemHtml(boardPage, postId)).toContain(`<a class="reply-link" href="/posts/${postId}#reply-form">Reply</a>`)
    expect(itemHtml(boardPage, postId)).toContain('>0 replies</a>')

    const page = await bob.get(`/posts/${postId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Where do we meet?')
    expect(page.body).toContain(`<form method="post" action="/posts/${postId}/replies"`)
    expect(page.body).toContain('No replies yet.')

    board.clock.now += 60_000
    const first = await replyTo(bob, postId, 'At the *station*')
    expect(first.statusCode).toBe(303)
    const firstId = Number(/#post-(\d+)$/.exec(String(first.headers.location))?.[1])
    expect(first.headers.location).toBe(`/posts/${postId}?before=${firstId + 1}#post-${firstId}`)
    board.clock.now += 60_000
    await replyTo(alice, postId, 'See you there')

    const thread = (await bob.get(`/posts/${postId}`)).body
    const order = [thread.indexOf('At the <em>station</em>'), thread.indexOf('See you there')]
    expect(order[0]).toBeGreaterThan(0)
    expect(order[1]).toBeGreaterThan(order[0]!)
    const after = itemHtml((await bob.get('/')).body, postId)
    expect(after).toContain('>2 replies</a>')
    expect(after).toContain(`datetime="${new Date(board.clock.now).toISOString()}"`)
    // Replies stay off the board's own list.
    expect((await bob.get('/')).body).not.toContain('See you there')
  })

  it('refuses an empty or overlong reply with the text kept, and a form without its CSRF token', async () => {
    const postId = await newPost(alice, 'Rules')
    const empty = await replyTo(bob, postId, '   ')
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Write something before replying.')
    const long = 'x'.repeat(4001)
    const tooLong = await replyTo(bob, postId, long)
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.body).toContain('A reply can be at most 4000 characters; this one has 4001.')
    expect(tooLong.body).toContain(long)
    const forged = await bob.post(`/posts/${postId}/replies`, { body: 'no token' })
    expect(forged.statusCode).toBe(403)
    expect(await board.storage.posts.listReplies(postId, { limit: 10 })).toEqual([])
    expect((await replyTo(bob, 4242, 'nowhere')).statusCode).toBe(404)
  })

  it('escapes a reply as any post', async () => {
    const postId = await newPost(alice, 'Safe?')
    await replyTo(bob, postId, '<script>alert(1)</script> <img src=x onerror=alert(2)>')
    const page = (await alice.get(`/posts/${postId}`)).body
    expect(page).not.toContain('<script>alert')
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('quotes the reply answered (one level), and ignores a quote from another post', async () => {
    const postId = await newPost(alice, 'Favourite fruit?')
    const otherId = await newPost(alice, 'Other thread')
    await replyTo(bob, postId, 'Apples, **crisp** ones')
    const [apples] = await board.storage.posts.listReplies(postId, { limit: 1 })
    const form = (await alice.get(`/posts/${postId}?quote=${apples!.id}`)).body
    expect(form).toContain(`<input type="hidden" name="quote" value="${apples!.id}">`)
    expect(form).toContain('bob wrote:</p><p class="quote-text">Apples, **crisp** ones</p>')
    const quoted = await replyTo(alice, postId, 'Pears', apples!.id)
    expect(quoted.statusCode).toBe(303)
    const page = (await bob.get(`/posts/${postId}`)).body
    expect(page).toContain(
      `<a href="#post-${apples!.id}">bob wrote</a>:</p><p class="quote-text">Apples, **crisp** ones</p>`,
    )
    // A "reply to a reply" still answers the post: the stored parent is the post.
    const [, pears] = await board.storage.posts.listReplies(postId, { limit: 2 })
    expect(pears).toMatchObject({ parentId: postId, quoteId: apples!.id })
    // Quoting another post's reply is ignored: the reply is stored without a quote.
    await replyTo(bob, otherId, 'elsewhere')
    const [elsewhere] = await board.storage.posts.listReplies(otherId, { limit: 1 })
    expect((await replyTo(alice, postId, 'no quote', elsewhere!.id)).statusCode).toBe(303)
    const last = (await board.storage.posts.listReplies(postId, { before: Number.MAX_SAFE_INTEGER, limit: 1 }))[0]
    expect(last).toMatchObject({ body: 'no quote', quoteId: null })
    // A reply's own address shows its post's page.
    const direct = await bob.get(`/posts/${apples!.id}`)
    expect(direct.statusCode).toBe(303)
    expect(direct.headers.location).toBe(`/posts/${postId}?before=${apples!.id + 1}#post-${apples!.id}`)
  })

  it('pages replies oldest first, and a new reply lands on the last page', async () => {
    const postId = await newPost(alice, 'Count with me')
    for (let i = 1; i <= REPLY_PAGE_SIZE + 2; i++) {
      await board.storage.posts.createReply({
        parentId: postId,
        authorId: (await board.storage.users.getUserByKey('bob'))!.id,
        body: `number ${i}`,
        quoteId: null,
        createdAt: board.clock.now,
      })
    }
    const first = (await alice.get(`/posts/${postId}`)).body
    expect(first).toContain('number 1<')
    expect(first).toContain(`number ${REPLY_PAGE_SIZE}<`)
    expect(first).not.toContain(`number ${REPLY_PAGE_SIZE + 1}<`)
    expect(first).toContain('data-live="false"')
    const later = /href="(\/posts\/\d+\?after=\d+)" rel="next"/.exec(first)?.[1]
    const second = (await alice.get(later!)).body
    expect(second).toContain(`number ${REPLY_PAGE_SIZE + 2}<`)
    expect(second).not.toContain('number 2<')
    expect(second).toContain('data-live="true"')
    expect(second).toContain('rel="prev">Earlier replies</a>')
    const reply = await replyTo(alice, postId, 'the end')
    const last = (await alice.get(String(reply.headers.location).split('#')[0]!)).body
    expect(last).toContain('the end')
    expect(last).toContain(`number ${REPLY_PAGE_SIZE + 2}<`)
    expect(last).toContain('rel="prev">Earlier replies</a>')
    expect(last).not.toContain('rel="next"')
  })
})

describe('changing replies', () => {
  it('lets the author edit and delete their reply, nobody else; counts follow', async () => {
    const postId = await newPost(alice, 'Edit me')
    await replyTo(bob, postId, 'first try')
    const [reply] = await board.storage.posts.listReplies(postId, { limit: 1 })
    const id = reply!.id
    expect((await alice.get(`/posts/${id}/edit`)).statusCode).toBe(403)
    const editPage = await bob.get(`/posts/${id}/edit`)
    expect(editPage.body).toContain('Edit reply')
    expect(editPage.body).toContain(`href="/posts/${postId}#post-${id}">Cancel</a>`)
    const edited = await bob.post(`/posts/${id}/edit`, { _csrf: csrfOf(editPage.body), body: 'second try' })
    expect(edited.statusCode).toBe(303)
    expect(edited.headers.location).toBe(`/posts/${postId}#post-${id}`)
    expect((await alice.get(`/posts/${postId}`)).body).toContain('second try')
    const page = (await bob.get(`/posts/${postId}`)).body
    expect(itemHtml(page, id)).toContain(`action="/posts/${id}/delete"`)
    expect(itemHtml((await alice.get(`/posts/${postId}`)).body, id)).toContain(`action="/posts/${id}/report"`)
    expect((await alice.submit(`/posts/${postId}`, `/posts/${id}/delete`, {})).statusCode).toBe(403)
    heard.length = 0
    const deleted = await bob.submit(`/posts/${postId}`, `/posts/${id}/delete`, {})
    expect(deleted.statusCode).toBe(303)
    expect(deleted.headers.location).toBe(`/posts/${postId}`)
    expect(heard).toEqual([
      { type: 'deleted', id, thread: { id: postId, replyCount: 0, lastActivityAt: expect.any(Number) } },
    ])
    expect(itemHtml((await alice.get('/')).body, postId)).toContain('>0 replies</a>')
  })

  it('keeps a deleted post with replies as a placeholder that takes no new replies', async () => {
    const postId = await newPost(alice, 'Soon gone')
    await replyTo(bob, postId, 'still here')
    heard.length = 0
    expect((await alice.submit('/', `/posts/${postId}/delete`, {})).statusCode).toBe(303)
    expect(heard).toEqual([{ type: 'deleted', id: postId, placeholder: true }])
    const boardItem = itemHtml((await bob.get('/')).body, postId)
    expect(boardItem).toContain('This post was deleted.')
    expect(boardItem).toContain('>1 reply</a>')
    expect(boardItem).not.toContain('Soon gone')
    const page = (await bob.get(`/posts/${postId}`)).body
    expect(page).toContain('This post was deleted. Its replies are kept below.')
    expect(page).toContain('still here')
    expect(page).not.toContain('Soon gone')
    expect(page).not.toContain('id="reply-form"')
    expect((await replyTo(bob, postId, 'too late')).statusCode).toBe(404)
    expect((await bob.get(`/posts/${postId}/report`)).statusCode).toBe(404)
    // The last reply going takes the placeholder with it.
    const [reply] = await board.storage.posts.listReplies(postId, { limit: 1 })
    heard.length = 0
    expect((await bob.submit(`/posts/${postId}`, `/posts/${reply!.id}/delete`, {})).statusCode).toBe(303)
    expect(heard).toEqual([
      { type: 'deleted', id: reply!.id },
      { type: 'deleted', id: postId },
    ])
    expect((await bob.get(`/posts/${postId}`)).statusCode).toBe(404)
  })

  it('lets members report a reply and moderators delete it, back on the post page', async () => {
    const postId = await newPost(alice, 'Moderated thread')
    await replyTo(bob, postId, 'something rude')
    const [reply] = await board.storage.posts.listReplies(postId, { limit: 1 })
    const reported = await alice.submit(`/posts/${reply!.id}/report`, `/posts/${reply!.id}/report`, { reason: 'rude' })
    expect(reported.statusCode).toBe(303)
    expect(await board.storage.reports.countOpen()).toBe(1)
    const page = (await admin.get(`/posts/${postId}`)).body
    expect(itemHtml(page, reply!.id)).toContain(`action="/posts/${reply!.id}/moderate"`)
    const moderated = await admin.submit(`/posts/${postId}`, `/posts/${reply!.id}/moderate`, { reason: 'rude' })
    expect(moderated.statusCode).toBe(303)
    expect(moderated.headers.location).toBe(`/posts/${postId}`)
    expect(await board.storage.posts.getPost(reply!.id)).toBeNull()
    expect(await board.storage.reports.countOpen()).toBe(0)
    expect(itemHtml((await bob.get('/')).body, postId)).toContain('>0 replies</a>')
  })
})

describe('live events', () => {
  it('publishes a new reply with what it quotes and its post’s counts', async () => {
    const postId = await newPost(alice, 'Live thread')
    await replyTo(bob, postId, 'one')
    const [one] = await board.storage.posts.listReplies(postId, { limit: 1 })
    heard.length = 0
    board.clock.now += 1000
    await replyTo(alice, postId, 'two', one!.id)
    expect(heard).toEqual([
      {
        type: 'replied',
        post: expect.objectContaining({
          authorName: 'alice',
          body: 'two',
          parentId: postId,
          quote: { id: one!.id, authorName: 'bob', body: 'one' },
        }),
        thread: { id: postId, replyCount: 2, lastActivityAt: board.clock.now },
      },
    ])
  })
})
