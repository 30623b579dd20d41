import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, csrfOf, type TestBoard } from './support.js'

let board: TestBoard

beforeAll(async () => {
  board = await createTestBoard()
})
afterAll(async () => {
  await board?.close()
})

function sessionCookieOf(response: { cookies: unknown[] }) {
  return (response.cookies as { name: string }[]).find((cookie) => cookie.name === '__Host-parley') as
    | {
        name: string
        value: string
        secure?: boolean
        httpOnly?: boolean
        sameSite?: string
        path?: string
        domain?: string
        expires?: Date
      }
    | undefined
}

describe('redirects', () => {
  it('sends a first-time visitor of / to /register, a returning one to /login', async () => {
    const client = new Client(board.app)
    const first = await client.get('/')
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe('/register')

    await client.register('returning', 'correct horse')
    await client.post('/logout', { _csrf: csrfOf((await client.get('/')).body) })
    const again = await client.get('/')
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe('/login')
  })

  it('sends signed-in users away from /login and /register to the board', async () => {
    const client = new Client(board.app)
    await client.register('alreadyin', 'correct horse')
    for (const page of ['/login', '/register']) {
      const response = await client.get(page)
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/')
    }
  })

  it('serves the register and login forms with a CSRF field, usable without JavaScript', async () => {
    const client = new Client(board.app)
    for (const page of ['/login', '/register']) {
      const response = await client.get(page)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.body).toContain(`<form method="post" action="${page}"`)
      expect(response.body).toContain('name="viewport"')
      expect(response.body).not.toContain('<script')
      expect(csrfOf(response.body)).toMatch(/\./)
    }
  })
})

describe('register', () => {
  it('creates the account, signs in, and shows the board', async () => {
    const client = new Client(board.app)
    const response = await client.register('newcomer', 'correct horse')
    expect(response.headers.location).toBe('/')
    const page = await client.get('/')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Signed in as <strong>newcomer</strong>')
  })

  it.each([
    ['taken', 'Taken-Name', 'another password', 409, /already taken/i],
    ['too long', 'x'.repeat(33), 'correct horse', 400, /32/],
    ['bad characters', 'two words', 'correct horse', 400, /character|space/i],
    ['empty', '', 'correct horse', 400, /empty|enter|required|at least/i],
  ])(
    're-renders with the username message when it is %s, keeping the name typed',
    async (_case, username, password, status, message) => {
      if (_case === 'taken') await new Client(board.app).register('taken-name', 'correct horse')
      const client = new Client(board.app)
      const response = await client.submit('/register', '/register', { username, password })
      expect(response.statusCode).toBe(status)
      const error = /<p class="field-error" id="username-error">([^<]*)<\/p>/.exec(response.body)
      expect(error?.[1]).toMatch(message)
      expect(response.body).toContain(`value="${username}"`)
      expect(response.body).not.toContain(password)
    },
  )

  it('re-renders with the password message when it is too short, keeping the name but not the password', async () => {
    const client = new Client(board.app)
    const response = await client.submit('/register', '/register', { username: 'shorty', password: 'abc' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toMatch(/<p class="field-error" id="password-error">[^<]*at least 8[^<]*<\/p>/)
    expect(response.body).toContain('value="shorty"')
    expect(response.body).not.toContain('value="abc"')
    expect(await board.auth.userExists('shorty')).toBe(false)
  })

  it('answers a malformed body with the form and a message, not a crash', async () => {
    const client = new Client(board.app)
    const html = (await client.get('/register')).body
    const response = await client.post('/register', { _csrf: csrfOf(html), username: 'nopassword' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Fill in a username and a password.')
    expect(response.body).toContain('value="nopassword"')
  })
})

describe('login', () => {
  beforeAll(async () => {
    await new Client(board.app).register('alice', 'alice password')
  })

  it('signs in and sets the session cookie with __Host- attributes', async () => {
    const client = new Client(board.app)
    const response = await client.login('alice', 'alice password')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
    const cookie = sessionCookieOf(response)
    expect(cookie).toBeDefined()
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(cookie?.secure).toBe(true)
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Lax')
    expect(cookie?.path).toBe('/')
    expect(cookie?.domain).toBeUndefined()
    const raw = [response.headers['set-cookie']].flat().find((line) => line?.startsWith('__Host-parley='))
    expect(raw).toMatch(/; Secure/)
    expect(raw).toMatch(/; HttpOnly/)
    expect(raw).toMatch(/; SameSite=Lax/)
    expect(raw).not.toMatch(/Domain=/i)
  })

  it('rotates the session: a new token on login, and the old session no longer works', async () => {
    const client = new Client(board.app)
    await client.login('alice', 'alice password')
    const first = client.cookies.get('__Host-parley')!
    const old = new Client(board.app)
    old.cookies.set('__Host-parley', first)
    old.cookies.set('__Host-parley-returning', '1')
    expect((await old.get('/')).statusCode).toBe(200)

    await client.login('alice', 'alice password')
    const second = client.cookies.get('__Host-parley')!
    expect(second).not.toBe(first)
    expect((await client.get('/')).statusCode).toBe(200)
    const stale = await old.get('/')
    expect(stale.statusCode).toBe(303)
    expect(stale.headers.location).toBe('/login')
  })

  it('shows "wrong username or password" for a wrong password and for an unknown name, keeping the name', async () => {
    for (const username of ['alice', 'nobody-here']) {
      const client = new Client(board.app)
      const response = await client.login(username, 'not the password')
      expect(response.statusCode).toBe(401)
      expect(response.body).toMatch(/<p class="error" role="alert" id="form-error">Wrong username or password/)
      expect(response.body).toContain(`value="${username}"`)
      expect(response.body).not.toContain('not the password')
      expect(sessionCookieOf(response)).toBeUndefined()
    }
    // The successful login after a failure resets alice's count.
    expect((await new Client(board.app).login('alice', 'alice password')).statusCode).toBe(303)
  })

  it('blocks the account after 3 wrong passwords and tells the seconds left', async () => {
    await new Client(board.app).register('mallory-target', 'right password')
    const client = new Client(board.app)
    const statuses: number[] = []
    let last = ''
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await client.login('mallory-target', `wrong ${attempt}`)
      statuses.push(response.statusCode)
      last = response.body
    }
    expect(statuses).toEqual([401, 401, 429])
    expect(last).toMatch(/blocked[^<]*try again in 60 s/)

    board.clock.now += 15_000
    const locked = await client.login('mallory-target', 'right password')
    expect(locked.statusCode).toBe(429)
    expect(locked.headers['retry-after']).toBe('45')
    expect(locked.body).toMatch(/blocked[^<]*try again in 45 s/)
    expect(locked.body).toContain('value="mallory-target"')

    board.clock.now += 46_000
    expect((await client.login('mallory-target', 'right password')).statusCode).toBe(303)
  })
})

describe('logout', () => {
  it('ends the session server-side: the old cookie no longer works', async () => {
    const client = new Client(board.app)
    await client.register('leaver', 'correct horse')
    const token = client.cookies.get('__Host-parley')!
    expect(await board.auth.authenticate(token)).not.toBeNull()

    const page = await client.get('/')
    const response = await client.post('/logout', { _csrf: csrfOf(page.body) })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
    expect(client.cookies.has('__Host-parley')).toBe(false)
    expect(await board.auth.authenticate(token)).toBeNull()

    const replay = new Client(board.app)
    replay.cookies.set('__Host-parley', token)
    replay.cookies.set('__Host-parley-returning', '1')
    const after = await replay.get('/')
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toBe('/login')
  })

  it('is a POST only', async () => {
    const client = new Client(board.app)
    await client.register('getter', 'correct horse')
    const response = await client.get('/logout')
    expect(response.statusCode).toBe(404)
    expect((await client.get('/')).statusCode).toBe(200)
  })
})

describe('logs', () => {
  it('never contain a password, a session token or a CSRF token', async () => {
    const client = new Client(board.app)
    const canary = 'canary-Pa55word-7c1f'
    await client.register('canary-user', canary)
    await client.login('canary-user', `${canary}-wrong`)
    const text = board.logText()
    expect(text).not.toContain(canary)
    expect(text).not.toContain(client.cookies.get('__Host-parley'))
    expect(text).not.toContain(client.cookies.get('__Host-parley-csrf'))
    expect(text).toContain('"reqId"')
  })
})
