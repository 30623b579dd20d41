import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEARCH_LIMITS } from '../src/routes/search.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let ann: Client
let annId: number
let bobId: number
let eveId: number

beforeAll(async () => {
  board = await createTestBoard()
  ann = new Client(board.app)
  await ann.register('ann', 'ann password')
  await new Client(board.app).register('bob', 'bob password')
  await new Client(board.app).register('eve', 'eve password')
  annId = (await board.storage.users.getUserByKey('ann'))!.id
  bobId = (await board.storage.users.getUserByKey('bob'))!.id
  eveId = (await board.storage.users.getUserByKey('eve'))!.id
})
afterAll(async () => {
  await board?.close()
})

let clientIds = 0
function send(from: number, to: number, body: string, at = board.clock.now) {
  return board.storage.messages.storeMessage({
    senderId: from,
    recipientId: to,
    clientId: `c${++clientIds}`,
    body,
    createdAt: at,
  })
}

/** A fresh signed-in user for tests that count searches. */
async function newUser(name: string): Promise<Client> {
  const client = new Client(board.app)
  await client.register(name, `${name} password`)
  return client
}

describe('/search', () => {
  it('shows matching posts (linked, words marked, text escaped) and only the reader own chats', async () => {
    const post = await board.storage.posts.createPost(bobId, 'The <b>lighthouse</b> keeper & his cat', board.clock.now)
    const reply = await board.storage.posts.createReply({
      parentId: post.id,
      authorId: annId,
      body: 'I saw the lighthouse too',
      quoteId: null,
      createdAt: board.clock.now,
    })
    await send(annId, bobId, 'see you at the lighthouse', Date.UTC(2026, 0, 2, 10, 30))
    await send(bobId, eveId, 'eve: the lighthouse secret')

    const response = await ann.get('/search?q=lighthouse')
    expect(response.statusCode).toBe(200)
    const html = response.body
    expect(html).toContain(`href="/posts/${post.id}"`)
    expect(html).toContain(`href="/posts/${reply.id}"`)
    expect(html).toContain('The &lt;b&gt;<mark>lighthouse</mark>&lt;/b&gt; keeper &amp; his cat')
    expect(html).not.toContain('<b>lighthouse')
    expect(html).toContain('<strong>ann</strong>: see you at the <mark>lighthouse</mark>')
    expect(html).toContain('2026-01-02 10:30 UTC')
    expect(html).not.toContain('secret')
    // The query is kept in the box, escaped.
    const quoted = await ann.get(`/search?q=${encodeURIComponent('"><script>lighthouse')}`)
    expect(quoted.statusCode).toBe(200)
    expect(quoted.body).toContain('value="&quot;&gt;&lt;script&gt;lighthouse"')
    expect(quoted.body).not.toContain('"><script>')
  })

  it('answers any query text without an error, and an empty one with just the box', async () => {
    const user = await newUser('quinn')
    for (const q of ['', '   ', '"', 'NEAR(', 'AND OR NOT', '*', '\\', '🙂', '%00', "' OR 1=1 --", 'a'.repeat(500)]) {
      const response = await user.get(`/search?q=${encodeURIComponent(q)}`)
      expect(response.statusCode, q.slice(0, 10)).toBe(200)
    }
    const empty = await user.get('/search')
    expect(empty.body).toContain('id="search-q"')
    expect(empty.body).not.toContain('Posts and replies')
    const tooLong = await user.get(`/search?q=${'a'.repeat(501)}`)
    expect(tooLong.statusCode).toBe(400)
    expect((await user.get('/search?q=x&page=0')).statusCode).toBe(400)
  })

  it('pages the hits', async () => {
    const user = await newUser('pia')
    for (let i = 0; i < 25; i++) await board.storage.posts.createPost(bobId, `walrus number ${i}`, board.clock.now)
    const first = await user.get('/search?q=walrus')
    expect(first.body.match(/class="search-hit"/g)).toHaveLength(20)
    expect(first.body).toContain('href="/search?q=walrus&amp;page=2" rel="next"')
    const second = await user.get('/search?q=walrus&page=2')
    expect(second.body.match(/class="search-hit"/g)).toHaveLength(5)
    expect(second.body).toContain('href="/search?q=walrus" rel="prev"')
    expect(second.body).not.toContain('rel="next"')
  })

  it('sends a signed-out visitor to sign in', async () => {
    const response = await new Client(board.app).get('/search?q=lighthouse')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
  })

  it('limits searches per account a minute, then lets them through again', async () => {
    const user = await newUser('rita')
    // Every request here comes from one address: start a fresh window for the address limit too.
    board.clock.now += 61_000
    for (let i = 0; i < SEARCH_LIMITS.perUserPerMinute; i++) {
      expect((await user.get(`/search?q=word${i}`)).statusCode).toBe(200)
    }
    const refused = await user.get('/search?q=more')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBeDefined()
    expect(refused.body).toContain('Too many searches from your account.')
    // An empty box is not a search: still served.
    expect((await user.get('/search')).statusCode).toBe(200)
    board.clock.now += 61_000
    expect((await user.get('/search?q=more')).statusCode).toBe(200)
  })

  it('shows the search box in the header of signed-in pages', async () => {
    const page = await ann.get('/')
    expect(page.body).toMatch(/<form method="get" action="\/search" role="search" class="site-search">/)
    const signedOut = await new Client(board.app).get('/login')
    expect(signedOut.body).not.toContain('class="site-search"')
  })
})
