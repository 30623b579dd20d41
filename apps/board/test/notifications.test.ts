/**
 * Notifications on the board (issue 17): a post or reply that mentions someone, or answers their post,
 * notifies them once; /notifications lists them with "Mark all read"; the header shows the unread count;
 * /account has the choice of events. Real board over SQLite, forms with CSRF as a browser sends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
const PAGE = { accept: 'text/html,application/xhtml+xml' }

beforeAll(async () => {
  board = await createTestBoard()
})
afterAll(async () => {
  await board?.close()
})

async function user(name: string): Promise<{ client: Client; id: number }> {
  const client = new Client(board.app)
  await client.register(name, `${name} password`)
  const row = await board.storage.users.getUserByKey(name.toLowerCase())
  return { client, id: row!.id }
}

async function newestPostId(): Promise<number> {
  const [post] = await board.storage.posts.listPosts({ limit: 1 })
  return post!.id
}

function unreadInHeader(html: string): string | null {
  const match = /data-unread-count( hidden)?>.*?<span data-unread-number>(\d+)<\/span>/.exec(html)
  if (!match) return null
  return match[1] ? 'hidden' : match[2]!
}

describe('mentions and replies notify', () => {
  it('a post naming @someone notifies them once, links the name, and shows in their header and list', async () => {
    const hans = await user('hans')
    const nora = await user('nora')
    expect(unreadInHeader((await nora.client.get('/', PAGE)).body)).toBe('hidden')
    const posted = await hans.client.createPost('Hello @nora and @nora again, and @hans and @nobody <b>!</b>')
    expect(posted.statusCode).toBe(303)
    const postId = await newestPostId()

    const list = await board.storage.notifications.list(nora.id, { limit: 10 })
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ kind: 'mention', actorName: 'hans', postId, threadId: postId })
    expect(list[0]!.excerpt).toBe('Hello @nora and @nora again, and @hans and @nobody <b>!</b>')
    expect(await board.storage.notifications.countUnread(hans.id)).toBe(0)

    const boardPage = await nora.client.get('/', PAGE)
    expect(boardPage.body).toContain('<a class="mention" href="/users/nora">@nora</a>')
    expect(unreadInHeader(boardPage.body)).toBe('1')

    const page = await nora.client.get('/notifications', PAGE)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<strong class="actor">hans</strong> mentioned you')
    expect(page.body).toContain(`href="/posts/${postId}#post-${postId}"`)
    // The excerpt is text: escaped once, never markup.
    expect(page.body).toContain('@nobody &lt;b&gt;!&lt;/b&gt;')
    expect(page.body).toContain('Mark all read')
  })

  it('a reply notifies the post’s author once even when it also names them; edits notify only new names', async () => {
    const olga = await user('olga')
    const pete = await user('pete')
    const quinn = await user('quinn')
    await olga.client.createPost('A question for everyone')
    const postId = await newestPostId()
    const replied = await pete.client.submit(`/posts/${postId}`, `/posts/${postId}/replies`, {
      body: 'An answer, @olga',
    })
    expect(replied.statusCode).toBe(303)
    const [reply] = await board.storage.notifications.list(olga.id, { limit: 10 })
    expect(await board.storage.notifications.countUnread(olga.id)).toBe(1)
    expect(reply).toMatchObject({ kind: 'reply', actorName: 'pete', threadId: postId })
    expect(reply!.postId).not.toBe(postId)

    const edited = await pete.client.submit(`/posts/${reply!.postId}/edit`, `/posts/${reply!.postId}/edit`, {
      body: 'An answer, @olga, and @quinn too',
    })
    expect(edited.statusCode).toBe(303)
    expect(await board.storage.notifications.countUnread(olga.id)).toBe(1)
    const [forQuinn] = await board.storage.notifications.list(quinn.id, { limit: 10 })
    expect(forQuinn).toMatchObject({ kind: 'mention', postId: reply!.postId, threadId: postId })
  })

  it('someone the recipient blocks cannot notify them', async () => {
    const rita = await user('rita')
    const sam = await user('sam')
    await board.storage.blocks.block(rita.id, sam.id)
    await sam.client.createPost('hey @rita')
    expect(await board.storage.notifications.countUnread(rita.id)).toBe(0)
  })
})

describe('mark all read', () => {
  it('marks what the page showed, needs the CSRF token, and works without JavaScript', async () => {
    const tara = await user('tara')
    const uwe = await user('uwe')
    await uwe.client.createPost('one for @tara')
    await uwe.client.createPost('two for @tara')
    const page = await tara.client.get('/notifications', PAGE)
    expect(unreadInHeader(page.body)).toBe('2')
    // A third arrives after the page was shown: it stays unread.
    await uwe.client.createPost('three for @tara')

    const forged = await tara.client.post('/notifications/read', {})
    expect(forged.statusCode).toBe(403)
    expect(await board.storage.notifications.countUnread(tara.id)).toBe(3)

    const upTo = /name="upTo" value="(\d+)"/.exec(page.body)![1]!
    const csrf = /action="\/notifications\/read"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)"/.exec(
      page.body,
    )![1]!
    const marked = await tara.client.post('/notifications/read', { _csrf: csrf, upTo })
    expect(marked.statusCode).toBe(303)
    expect(marked.headers.location).toBe('/notifications')
    expect(await board.storage.notifications.countUnread(tara.id)).toBe(1)

    const again = await tara.client.get('/notifications', PAGE)
    expect(unreadInHeader(again.body)).toBe('1')
    expect(again.body.match(/class="notification unread"/g)).toHaveLength(1)
    await tara.client.submit('/notifications', '/notifications/read', {})
    expect(await board.storage.notifications.countUnread(tara.id)).toBe(0)
    expect((await tara.client.get('/notifications', PAGE)).body).not.toContain('Mark all read')
  })

  it('pages newest first with an Older link', async () => {
    const vera = await user('vera')
    const walt = await user('walt')
    for (let i = 0; i < 32; i++) await walt.client.createPost(`note ${i} for @vera`)
    const first = await vera.client.get('/notifications', PAGE)
    expect(first.body.match(/<li class="notification/g)).toHaveLength(30)
    expect(first.body.indexOf('note 31 for')).toBeLessThan(first.body.indexOf('note 30 for'))
    const older = /href="\/notifications\?before=(\d+)" rel="next"/.exec(first.body)
    expect(older).not.toBeNull()
    const second = await vera.client.get(`/notifications?before=${older![1]}`, PAGE)
    expect(second.body.match(/<li class="notification/g)).toHaveLength(2)
    expect(second.body).toContain('note 0 for')
    expect((await vera.client.get('/notifications?before=x', PAGE)).statusCode).toBe(400)
  })

  it('sends a signed-out browser to sign in', async () => {
    const response = await new Client(board.app).get('/notifications', PAGE)
    expect(response.statusCode).toBe(303)
  })
})

describe('choosing which events notify, on /account', () => {
  it('shows both on by default, saves a choice (CSRF checked), and the choice is honoured', async () => {
    const xena = await user('xena')
    const yann = await user('yann')
    const account = await xena.client.get('/account', PAGE)
    expect(account.body).toContain('id="notifications"')
    expect(account.body).toMatch(/name="mention" value="on" checked/)
    expect(account.body).toMatch(/name="reply" value="on" checked/)

    expect((await xena.client.post('/account/notifications', { reply: 'on' })).statusCode).toBe(403)
    const saved = await xena.client.submit('/account', '/account/notifications', { reply: 'on' })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/account?done=notifications#notifications')
    expect(await board.storage.notifications.getPreferences(xena.id)).toEqual({ mention: false, reply: true })
    const after = await xena.client.get('/account?done=notifications', PAGE)
    expect(after.body).toContain('Your notification choices are saved.')
    expect(after.body).not.toMatch(/name="mention" value="on" checked/)

    await yann.client.createPost('hi @xena')
    expect(await board.storage.notifications.countUnread(xena.id)).toBe(0)
    const bad = await xena.client.submit('/account', '/account/notifications', { mention: 'yes' })
    expect(bad.statusCode).toBe(400)
    expect(await board.storage.notifications.getPreferences(xena.id)).toEqual({ mention: false, reply: true })
  })
})

describe('the page a mention links to', () => {
  it('shows the user, their latest posts and replies as text, and 404 for an unknown name', async () => {
    const zoe = await user('Zoë')
    await zoe.client.createPost('my **first** <post>')
    const page = await zoe.client.get(`/users/${encodeURIComponent('zoë')}`, PAGE)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1 id="user-heading">Zoë</h1>')
    expect(page.body).toContain('my **first** &lt;post&gt;')
    expect((await zoe.client.get('/users/nobody-here', PAGE)).statusCode).toBe(404)
    expect((await new Client(board.app).get('/users/Zo%C3%AB', PAGE)).statusCode).toBe(303)
  })
})
