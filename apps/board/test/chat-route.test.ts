/**
 * The chat page and the compact panel, server side (inject): sign-in required, the shell with the
 * gateway URL in a data attribute, scripts only from /static (the CSP is unchanged: no inline
 * script or style), and the static chat modules served as JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chatGatewayUrlFor } from '../src/routes/chat.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client

beforeAll(async () => {
  board = await createTestBoard()
  alice = new Client(board.app)
  await alice.register('alice', 'alice password')
})
afterAll(async () => {
  await board?.close()
})

/** Every `<script>` of a page: its attributes and its body. */
function scripts(html: string): { attributes: string; body: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((match) => ({
    attributes: match[1] ?? '',
    body: match[2] ?? '',
  }))
}

function attribute(html: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(html)?.[1]
}

describe('GET /chat', () => {
  it('sends a visitor without a session to sign in', async () => {
    const anonymous = new Client(board.app)
    const response = await anonymous.get('/chat')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
  })

  it('renders the chat shell with the gateway URL and the user in data attributes', async () => {
    const response = await alice.get('/chat')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const html = response.body
    expect(html).toContain('data-chat')
    expect(attribute(html, 'data-layout')).toBe('full')
    // The page came from localhost, so it talks to the gateway on localhost (where the cookie goes).
    expect(attribute(html, 'data-gateway-url')).toBe('wss://localhost:8182/')
    expect(attribute(html, 'data-username')).toBe('alice')
    expect(html).toMatch(/<a href="\/chat" aria-current="page">Chat<\/a>/)
    // A label for every input of the shell.
    for (const id of ['chat-full-start', 'chat-full-text']) expect(html).toContain(`<label for="${id}"`)
    expect(html).toContain('aria-live="polite"')
  })

  it('picks the gateway origin on the host the page was loaded from', async () => {
    const response = await alice.get('/chat', { host: '127.0.0.1:8181' })
    expect(attribute(response.body, 'data-gateway-url')).toBe('wss://127.0.0.1:8182/')
  })

  it('loads only same-origin scripts and styles, and keeps the CSP of the other pages', async () => {
    const chat = await alice.get('/chat')
    const media = await alice.get('/media')
    const csp = String(chat.headers['content-security-policy'])
    expect(csp).toBe(String(media.headers['content-security-policy']))
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("connect-src 'self' wss://localhost:8182 wss://127.0.0.1:8182")
    expect(csp).not.toContain('unsafe-inline')
    const found = scripts(chat.body)
    // Content-hashed URLs (routes/static.ts): `/static/chat.<hash>.js`.
    expect(found).toEqual([
      { attributes: expect.stringMatching(/^ src="\/static\/notifications\.[\w-]{16}\.js" defer$/), body: '' },
      { attributes: expect.stringMatching(/^ type="module" src="\/static\/chat\.[\w-]{16}\.js"$/), body: '' },
    ])
    expect(chat.body).not.toMatch(/<style\b/i)
    expect(chat.body).not.toMatch(/\sstyle=/i)
    expect(chat.body).not.toMatch(/\son[a-z]+=/i)
    expect(chat.body).toMatch(/<link rel="stylesheet" href="\/static\/chat\.[\w-]{16}\.css">/)
  })
})

describe('the compact panel on the board', () => {
  it('is beside the posts, with the same gateway URL, and only on the board page', async () => {
    const board = (await alice.get('/')).body
    expect(board).toContain('class="board-layout with-chat"')
    expect(attribute(board, 'data-layout')).toBe('compact')
    expect(attribute(board, 'data-gateway-url')).toBe('wss://localhost:8182/')
    expect(board).toContain('<a class="chat-open-full" href="/chat">Open full chat</a>')
    expect(scripts(board).map((script) => script.attributes)).toEqual([
      expect.stringMatching(/^ type="module" src="\/static\/board\.[\w-]{16}\.js"$/),
      expect.stringMatching(/^ src="\/static\/notifications\.[\w-]{16}\.js" defer$/),
      expect.stringMatching(/^ type="module" src="\/static\/chat\.[\w-]{16}\.js"$/),
    ])
    expect(scripts(board).every((script) => script.body === '')).toBe(true)
    const media = (await alice.get('/media')).body
    expect(media).not.toContain('data-chat')
    expect(media).not.toContain('/static/chat.')
  })
})

describe('the chat modules', () => {
  it('are served from /static as JavaScript (module scripts need a JavaScript type)', async () => {
    for (const name of ['chat.js', 'chat-connection.js', 'chat-model.js', 'chat-view.js', 'chat-links.js']) {
      const response = await alice.get(`/static/${name}`)
      expect(response.statusCode, name).toBe(200)
      expect(response.headers['content-type'], name).toMatch(/^(text|application)\/javascript/)
    }
    const css = await alice.get('/static/chat.css')
    expect(css.headers['content-type']).toMatch(/^text\/css/)
  })

  it('never put network text into the page as HTML', async () => {
    for (const name of ['chat.js', 'chat-view.js', 'chat-links.js']) {
      const source = (await alice.get(`/static/${name}`)).body
      expect(source, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    }
  })
})

describe('without a chat gateway', () => {
  it('says so on /chat and shows no panel on the board', async () => {
    const bare = await createTestBoard({ env: { CHAT_GATEWAY_ORIGINS: '' } })
    try {
      const bob = new Client(bare.app)
      await bob.register('bob', 'bob password')
      const chat = await bob.get('/chat')
      expect(chat.statusCode).toBe(200)
      expect(chat.body).toContain('The chat is not configured on this server')
      expect(chat.body).not.toContain('/static/chat.')
      const page = (await bob.get('/')).body
      expect(page).not.toContain('data-chat')
      expect(page).toContain('class="board-layout"')
    } finally {
      await bare.close()
    }
  })
})

describe('chatGatewayUrlFor', () => {
  const origins = ['wss://localhost:8182', 'wss://127.0.0.1:8182']

  it('prefers the origin on the page host, ignoring case and a trailing dot, else the first', () => {
    expect(chatGatewayUrlFor({ chatGatewayOrigins: origins }, 'localhost')).toBe('wss://localhost:8182/')
    expect(chatGatewayUrlFor({ chatGatewayOrigins: origins }, 'LOCALHOST.')).toBe('wss://localhost:8182/')
    expect(chatGatewayUrlFor({ chatGatewayOrigins: origins }, '127.0.0.1')).toBe('wss://127.0.0.1:8182/')
    expect(chatGatewayUrlFor({ chatGatewayOrigins: origins }, 'board.example')).toBe('wss://localhost:8182/')
    expect(chatGatewayUrlFor({ chatGatewayOrigins: [] }, 'localhost')).toBeNull()
  })

  it('uses CHAT_GATEWAY_URL as it is when set', () => {
    const config = { chatGatewayOrigins: ['wss://chat.example'], chatGatewayUrl: 'wss://chat.example/ws' }
    expect(chatGatewayUrlFor(config, 'board.example')).toBe('wss://chat.example/ws')
  })
})
