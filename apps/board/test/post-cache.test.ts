/**
 * The board keeps each post's rendered HTML (src/render/post-list.ts). These tests change posts
 * behind a page that has already been rendered (so the HTML is held) and check that no reader ever
 * gets the old text back: after an edit, a deletion, an anonymised author, two edits within the same
 * millisecond, and a change made through a second board instance sharing the database, whose post
 * events this instance never sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostListRenderer } from '../src/render/post-list.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let other: TestBoard
let alice: Client
let bob: Client
let admin: Client
/** Alice's session on the second instance (sessions live in the shared database). */
let aliceOnOther: Client
let bobOnOther: Client

beforeAll(async () => {
  board = await createTestBoard()
  other = await createTestBoard({ env: { DATABASE_PATH: board.config.databasePath } })
  alice = new Client(board.app)
  bob = new Client(board.app)
  admin = new Client(board.app)
  await alice.register('alice', 'alice password')
  await bob.register('bob', 'bob password')
  await admin.register('root', 'root password')
  await board.auth.promote(null, 'root', 'first admin')
  aliceOnOther = new Client(other.app)
  bobOnOther = new Client(other.app)
  for (const [to, from] of [
    [aliceOnOther, alice],
    [bobOnOther, bob],
  ] as const) {
    for (const [name, value] of from.cookies) to.cookies.set(name, value)
  }
})
afterAll(async () => {
  await other?.close()
  await board?.close()
})

/** The `<li>` of post `id` on a page, or null when it is not there. */
function postHtml(html: string, id: number): string | null {
  return new RegExp(`<li class="post" id="post-${id}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? null
}

function bodyOf(html: string, id: number): string | null {
  // One-paragraph bodies: the paragraph's HTML (rendered by renderRichText).
  return /<div class="post-body"><p>([\s\S]*?)<\/p><\/div>/.exec(postHtml(html, id) ?? '')?.[1] ?? null
}

async function newPost(client: Client, body: string): Promise<number> {
  expect((await client.createPost(body)).statusCode).toBe(303)
  const match = /<li class="post" id="post-(\d+)"/.exec((await client.get('/')).body)
  return Number(match?.[1])
}

/** Edits through the form, as the author's browser does. */
async function edit(client: Client, id: number, body: string) {
  const response = await client.submit(`/posts/${id}/edit`, `/posts/${id}/edit`, { body })
  expect(response.statusCode).toBe(303)
}

/** Every reader's view of post `id`, rendered by every reader once before the change. */
async function everyone(id: number): Promise<(string | null)[]> {
  const pages = await Promise.all([alice, bob, admin, aliceOnOther, bobOnOther].map((client) => client.get('/')))
  return pages.map((page) => bodyOf(page.body, id))
}

describe('post HTML cache', () => {
  it('serves an edited post with its new text to every reader, author included', async () => {
    const id = await newPost(alice, 'first words')
    expect(await everyone(id)).toEqual(Array(5).fill('first words'))
    await edit(alice, id, 'second <words>')
    expect(await everyone(id)).toEqual(Array(5).fill('second &lt;words&gt;'))
    expect(postHtml((await bob.get('/')).body, id)).toContain('<span class="edited">edited</span>')
  })

  it('notices two edits within the same millisecond (the version is the content, not only the time)', async () => {
    const id = await newPost(alice, 'tick')
    await edit(alice, id, 'tock')
    expect(await everyone(id)).toEqual(Array(5).fill('tock'))
    // The test clock stands still: both edits carry the same updatedAt.
    await edit(alice, id, 'tack')
    expect(await everyone(id)).toEqual(Array(5).fill('tack'))
  })

  it('never shows a deleted post, whether the author or a moderator deleted it', async () => {
    const own = await newPost(alice, 'to be deleted by alice')
    const moderated = await newPost(bob, 'to be deleted by a moderator')
    expect(await everyone(own)).toEqual(Array(5).fill('to be deleted by alice'))
    expect(await everyone(moderated)).toEqual(Array(5).fill('to be deleted by a moderator'))
    expect((await alice.submit('/', `/posts/${own}/delete`, {})).statusCode).toBe(303)
    const reason = { reason: 'test' }
    expect(
      (await admin.submit(`/posts/${moderated}/moderate`, `/posts/${moderated}/moderate`, reason)).statusCode,
    ).toBe(303)
    expect(await everyone(own)).toEqual(Array(5).fill(null))
    expect(await everyone(moderated)).toEqual(Array(5).fill(null))
  })

  it('picks up a change made through another board instance, which sends this one no event', async () => {
    const id = await newPost(alice, 'before, on board one')
    expect(await everyone(id)).toEqual(Array(5).fill('before, on board one'))
    await edit(aliceOnOther, id, 'after, on board two')
    expect(await everyone(id)).toEqual(Array(5).fill('after, on board two'))
    expect((await aliceOnOther.submit('/', `/posts/${id}/delete`, {})).statusCode).toBe(303)
    expect(await everyone(id)).toEqual(Array(5).fill(null))
  })

  it('shows "deleted user" once the author deletes their account', async () => {
    const carol = new Client(board.app)
    await carol.register('carol', 'carol password')
    const id = await newPost(carol, 'carol was here')
    const before = postHtml((await bob.get('/')).body, id)
    expect(before).toContain('<span class="author">carol</span>')
    const response = await carol.submit('/account', '/account/delete', {
      password: 'carol password',
      understood: 'yes',
    })
    expect(response.statusCode).toBe(303)
    for (const client of [bob, bobOnOther]) {
      const after = postHtml((await client.get('/')).body, id)
      expect(after).toContain('<span class="author deleted">deleted user</span>')
      expect(after).toContain('carol was here')
    }
  })

  it('gives each reader only their own actions and their own CSRF token around the shared HTML', async () => {
    const id = await newPost(alice, 'whose actions?')
    const seen = await Promise.all(
      [alice, bob, admin].map(async (client) => postHtml((await client.get('/')).body, id)),
    )
    const [byAlice, byBob, byAdmin] = seen
    expect(byAlice).toContain(`action="/posts/${id}/delete"`)
    expect(byBob).toContain(`action="/posts/${id}/report"`)
    expect(byAdmin).toContain(`action="/posts/${id}/moderate"`)
    const tokens = seen.map((html) => /name="_csrf" value="([^"]+)"/.exec(html ?? '')?.[1])
    expect(new Set(tokens).size).toBe(3)
    // The token in the post is the page's token, which the board accepts.
    expect((await bob.post(`/posts/${id}/report`, { _csrf: tokens[1]!, reason: 'checking' })).statusCode).toBe(303)
  })
})

describe('createPostListRenderer', () => {
  const viewer = { id: 2, isAdmin: false, csrfTokenHtml: 'token' }
  const row = {
    id: 1,
    authorId: 1,
    authorName: 'a',
    body: 'x',
    createdAt: 0,
    updatedAt: null,
    parentId: null,
    quoteId: null,
    deletedAt: null,
    replyCount: 0,
    lastActivityAt: 0,
  }

  it('shows the reply count and latest activity as they are now, with the post kept', () => {
    const renderer = createPostListRenderer()
    const before = renderer.render([row], viewer)
    expect(before).toContain('<a class="reply-link" href="/posts/1#reply-form">Reply</a>')
    expect(before).toContain('<a class="reply-count" href="/posts/1">0 replies</a>')
    const after = renderer.render([{ ...row, replyCount: 1, lastActivityAt: 60_000 }], viewer)
    expect(after).toContain('>1 reply</a>')
    expect(after).toContain('<time datetime="1970-01-01T00:01:00.000Z">')
    expect(renderer.size).toBe(1)
    const placeholder = renderer.render([{ ...row, body: '', authorId: null, deletedAt: 5, replyCount: 2 }], viewer)
    expect(placeholder).toContain('This post was deleted.')
    expect(placeholder).toContain('>2 replies</a>')
    expect(placeholder).not.toContain('reply-link')
    expect(placeholder).not.toContain('_csrf')
  })

  it('keeps at most the given number of posts', () => {
    const renderer = createPostListRenderer(2)
    renderer.render([row, { ...row, id: 2 }, { ...row, id: 3 }], viewer)
    expect(renderer.size).toBe(2)
    renderer.forget(3)
    expect(renderer.size).toBe(1)
  })

  it('escapes every field that comes from users', () => {
    const html = createPostListRenderer().render([{ ...row, authorName: '<a>"', body: `'&'` }], viewer)
    expect(html).toContain('<span class="author">&lt;a&gt;&quot;</span>')
    expect(html).toContain(`<div class="post-body"><p>'&amp;'</p></div>`)
  })

  it('renders the body as rich text, and renders it again when the body changes', () => {
    const renderer = createPostListRenderer()
    expect(renderer.render([{ ...row, body: '**bold** <b>' }], viewer)).toContain(
      '<div class="post-body"><p><strong>bold</strong> &lt;b&gt;</p></div>',
    )
    expect(renderer.render([{ ...row, body: '*now* https://example.com' }], viewer)).toContain(
      '<div class="post-body"><p><em>now</em> <a href="https://example.com" rel="nofollow noopener noreferrer">https://example.com</a></p></div>',
    )
  })
})
