import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Client, createTestBoard, csrfOf, ORIGIN, type TestBoard } from './support.js'

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

async function postCount(): Promise<number> {
  return (await board.storage.posts.listPosts({ limit: 1000 })).length
}

describe('CSRF token', () => {
  it('refuses a post without a token, or with a wrong or forged one, with 403 and creates nothing', async () => {
    const before = await postCount()
    const real = await alice.csrfToken('/')
    const [salt] = real.split('.')
    for (const token of [undefined, '', 'garbage', `${salt}.AAAA`, `${salt}.${'A'.repeat(43)}`, `${real}.x`]) {
      const form: Record<string, string> = { body: 'sneaky' }
      if (token !== undefined) form._csrf = token
      const response = await alice.post('/posts', form)
      expect(response.statusCode, `token ${token}`).toBe(403)
      expect(response.body).toContain('This form has expired or was sent from another site')
    }
    expect(await postCount()).toBe(before)
  })

  it('refuses a token made for another browser (another CSRF cookie)', async () => {
    const mallory = new Client(board.app)
    const foreign = await mallory.csrfToken('/login')
    const response = await alice.post('/posts', { _csrf: foreign, body: 'via foreign token' })
    expect(response.statusCode).toBe(403)
  })

  it('refuses a token when the CSRF cookie is missing', async () => {
    const token = await alice.csrfToken('/')
    const response = await alice.post(
      '/posts',
      { _csrf: token, body: 'no cookie' },
      {
        cookie: `__Host-parley=${alice.cookies.get('__Host-parley')}`,
      },
    )
    expect(response.statusCode).toBe(403)
  })

  it('protects login, register and logout too', async () => {
    const anonymous = new Client(board.app)
    await anonymous.get('/login') // has a CSRF cookie, but sends no token
    const login = await anonymous.post('/login', { username: 'alice', password: 'alice password' })
    expect(login.statusCode).toBe(403)
    expect(login.cookies.find((cookie) => cookie.name === '__Host-parley')).toBeUndefined()
    const register = await anonymous.post('/register', { username: 'csrf-victim', password: 'correct horse' })
    expect(register.statusCode).toBe(403)
    expect(await board.auth.userExists('csrf-victim')).toBe(false)
    const logout = await alice.post('/logout', {})
    expect(logout.statusCode).toBe(403)
    expect((await alice.get('/')).statusCode).toBe(200)
  })

  it('accepts the token in the x-csrf-token header', async () => {
    const token = await alice.csrfToken('/')
    const response = await alice.post('/posts', { body: 'header token' }, { 'x-csrf-token': token })
    expect(response.statusCode).toBe(303)
  })

  it('gives a JSON error to JSON clients', async () => {
    const response = await alice.post('/posts', { body: 'json' }, { accept: 'application/json' })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toEqual({ error: { code: 'BOARD_CSRF_REJECTED', message: expect.any(String) } })
  })
})

describe('Fetch Metadata and Origin', () => {
  it('refuses a cross-site or same-site request even with a valid token', async () => {
    const before = await postCount()
    for (const site of ['cross-site', 'same-site']) {
      const token = await alice.csrfToken('/')
      const response = await alice.post('/posts', { _csrf: token, body: `from ${site}` }, { 'sec-fetch-site': site })
      expect(response.statusCode, site).toBe(403)
    }
    expect(await postCount()).toBe(before)
  })

  it('refuses a foreign or null Origin even with a valid token', async () => {
    const before = await postCount()
    for (const origin of ['https://evil.example', 'http://localhost:8181', 'https://localhost:9999', 'null']) {
      const token = await alice.csrfToken('/')
      const response = await alice.post('/posts', { _csrf: token, body: `from ${origin}` }, { origin })
      expect(response.statusCode, origin).toBe(403)
    }
    expect(await postCount()).toBe(before)
  })

  it('accepts same-origin requests, and requests without these headers (older browsers) that carry the token', async () => {
    const token = await alice.csrfToken('/')
    const sameOrigin = await alice.post('/posts', { _csrf: token, body: 'same origin' }, { origin: ORIGIN })
    expect(sameOrigin.statusCode).toBe(303)
    const bare = await alice.request({
      method: 'POST',
      url: '/posts',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: await alice.csrfToken('/'), body: 'no metadata' }).toString(),
    })
    expect(bare.statusCode).toBe(303)
  })

  it('does not apply to safe methods (a link from another site still opens the board)', async () => {
    const response = await alice.get('/', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })
    expect(response.statusCode).toBe(200)
  })
})

describe('security headers', () => {
  it('sends a strict CSP without unsafe-inline, nosniff, a referrer policy, HSTS and no framing', async () => {
    for (const url of ['/', '/login', '/static/board.css', '/nope']) {
      const response = await alice.get(url)
      const csp = String(response.headers['content-security-policy'])
      expect(csp, url).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).toContain("base-uri 'none'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("connect-src 'self' wss://localhost:8182 wss://127.0.0.1:8182")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['referrer-policy']).toBe('same-origin')
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/)
      expect(response.headers['x-frame-options']).toBe('DENY')
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('pages contain no inline script or style', async () => {
    const html = (await alice.get('/')).body
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/<style/)
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).not.toMatch(/\son[a-z]+=/)
  })

  it('marks pages as not cacheable', async () => {
    expect((await alice.get('/')).headers['cache-control']).toBe('no-store')
  })
})

describe('rate limits', () => {
  it('limits login attempts per IP and per account name with 429 and Retry-After', async () => {
    const limited = await createTestBoard({ env: { AUTH_RATE_LIMIT: '3' } })
    try {
      const client = new Client(limited.app)
      const statuses: number[] = []
      for (let attempt = 0; attempt < 4; attempt++) {
        statuses.push((await client.login(`someone-${attempt}`, 'whatever password')).statusCode)
      }
      expect(statuses).toEqual([401, 401, 401, 429])
      const last = await client.login('someone-else', 'whatever password')
      expect(last.statusCode).toBe(429)
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0)
      expect(last.body).toMatch(/Too many attempts from your address/)
      // Registration has its own budget.
      expect(
        (await client.submit('/register', '/register', { username: 'fresh', password: 'correct horse' })).statusCode,
      ).toBe(303)
    } finally {
      await limited.close()
    }
  })

  it('limits attempts on one account name from many addresses', async () => {
    const limited = await createTestBoard({ env: { AUTH_RATE_LIMIT: '2' } })
    try {
      const statuses: number[] = []
      for (let attempt = 0; attempt < 3; attempt++) {
        const client = new Client(limited.app)
        const token = await client.csrfToken('/login')
        const response = await client.request({
          method: 'POST',
          url: '/login',
          remoteAddress: `10.0.0.${attempt + 1}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: token, username: 'Target', password: 'guess' }).toString(),
        })
        statuses.push(response.statusCode)
      }
      expect(statuses).toEqual([401, 401, 429])
    } finally {
      await limited.close()
    }
  })
})

describe('input validation and errors', () => {
  it('answers a bad query string with 400 and a clear message', async () => {
    const html = await alice.get('/?before=abc')
    expect(html.statusCode).toBe(400)
    expect(html.body).toContain('Invalid query field &quot;before&quot;')
    const json = await alice.get('/?before=-1', { accept: 'application/json' })
    expect(json.statusCode).toBe(400)
    expect(json.json().error.code).toBe('PROTO_BAD_MESSAGE')
    expect(json.json().error.message).toMatch(/before/)
  })

  it('answers a bad path parameter with 400', async () => {
    const response = await alice.get('/posts/abc/edit', { accept: 'application/json' })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.message).toMatch(/id/)
  })

  it('refuses an oversized form body with 413', async () => {
    const token = await alice.csrfToken('/')
    const response = await alice.post('/posts', { _csrf: token, body: 'x'.repeat(300 * 1024) })
    expect(response.statusCode).toBe(413)
  })

  it('renders a 404 page for browsers and JSON for API clients', async () => {
    const html = await alice.get('/no/such/page')
    expect(html.statusCode).toBe(404)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(html.body).toContain('There is nothing at this address.')
    expect(html.body).toContain('Signed in as <strong>alice</strong>')
    const json = await alice.get('/no/such/page', { accept: 'application/json' })
    expect(json.statusCode).toBe(404)
    expect(json.json()).toEqual({ error: { code: 'BOARD_NOT_FOUND', message: 'There is nothing at this address.' } })
  })

  it('redirects a browser without a session to /login, and answers 401 to JSON clients', async () => {
    const anonymous = new Client(board.app)
    const page = await anonymous.get('/posts/1/edit')
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toBe('/login')
    const json = await anonymous.get('/posts/1/edit', { accept: 'application/json' })
    expect(json.statusCode).toBe(401)
    expect(json.json().error.code).toBe('AUTH_UNAUTHORIZED')
  })

  it('hides internal errors behind a generic 500 and logs them', async () => {
    const failing = await createTestBoard()
    try {
      const client = new Client(failing.app)
      await client.register('victim', 'correct horse')
      const token = csrfOf((await client.get('/')).body)
      // An unexpected failure inside storage (an unreachable database is a 503: storage-unavailable.test.ts).
      vi.spyOn(failing.storage.posts, 'createPost').mockRejectedValue(new Error('disk on fire at /srv/secret'))
      const response = await client.post('/posts', { _csrf: token, body: 'lost?' }, { accept: 'application/json' })
      expect(response.statusCode).toBe(500)
      expect(response.json()).toEqual({
        error: { code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' },
      })
      expect(response.body).not.toContain('/srv/secret')
      expect(failing.logs.some((line) => line.level === 50 && line.msg === 'request failed')).toBe(true)
    } finally {
      await failing.app.close()
    }
  })
})
