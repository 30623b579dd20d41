import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, csrfOf, type TestBoard } from './support.js'

let board: TestBoard

beforeAll(async () => {
  board = await createTestBoard()
})
afterAll(async () => {
  await board?.close()
})

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const PHONE =
  'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

/** A fresh account signed in on two "devices", each with its own cookie jar and user agent. */
async function twoDevices(username: string, password = `${username} password`) {
  const laptop = new Client(board.app, { 'user-agent': FIREFOX })
  await laptop.register(username, password)
  const phone = new Client(board.app, { 'user-agent': PHONE })
  const login = await phone.login(username, password)
  expect(login.statusCode).toBe(303)
  return { laptop, phone, password }
}

async function userId(name: string): Promise<number> {
  const user = await board.storage.users.getUserByKey(name)
  if (!user) throw new Error(`no user ${name}`)
  return user.id
}

/** True when the client's session still opens the board. */
async function signedIn(client: Client): Promise<boolean> {
  const response = await client.get('/account')
  return response.statusCode === 200
}

function fieldError(html: string, id: string): string | undefined {
  return new RegExp(`<p class="(?:field-)?error"[^>]* id="${id}">([^<]*)</p>`).exec(html)?.[1]
}

describe('GET /account', () => {
  it('sends a signed-out browser to sign in', async () => {
    const response = await new Client(board.app).get('/account')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
  })

  it('lists the active sessions with device, address and times, marking this browser', async () => {
    const { laptop } = await twoDevices('lister')
    const page = await laptop.get('/account')
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('no-store')
    const sessions = page.body.split('<li class="session').slice(1)
    expect(sessions).toHaveLength(2)
    const current = sessions.find((item) => item.startsWith(' current'))!
    expect(current).toContain('Firefox on Linux')
    expect(current).toContain('This browser')
    expect(current).not.toContain('Sign out this session')
    const other = sessions.find((item) => !item.startsWith(' current'))!
    expect(other).toContain('Chrome on Android')
    expect(other).toContain('from 127.0.0.1')
    expect(other).toMatch(/Signed in <time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+ UTC<\/time>/)
    expect(other).toContain('Sign out this session')
    expect(page.body).toContain('Sign out all other sessions')
    // The page links here from the header.
    expect(page.body).toContain('<a href="/account" aria-current="page">Account</a>')
  })
})

describe('change password', () => {
  it('needs the current password, ends every other session, and keeps this one', async () => {
    const { laptop, phone, password } = await twoDevices('changer')
    const response = await laptop.submit('/account', '/account/password', {
      current: password,
      password: 'a brand new secret',
      confirm: 'a brand new secret',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/account?done=password&ended=1')
    const page = await laptop.get(String(response.headers.location))
    expect(page.body).toContain('Your password is changed. 1 other session was signed out.')
    expect(await signedIn(laptop)).toBe(true)
    expect(await signedIn(phone)).toBe(false)
    expect(await board.auth.listSessions(await userId('changer'))).toHaveLength(1)

    await expect(board.auth.login('changer', password)).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' })
    await expect(board.auth.login('changer', 'a brand new secret')).resolves.toBeTruthy()
    expect(board.logText()).not.toContain('a brand new secret')
  })

  it('refuses a wrong current password next to its field, echoing no password, and changes nothing', async () => {
    const { laptop, phone, password } = await twoDevices('wrongcurrent')
    const response = await laptop.submit('/account', '/account/password', {
      current: 'not my password',
      password: 'another new secret',
      confirm: 'another new secret',
    })
    expect(response.statusCode).toBe(401)
    expect(fieldError(response.body, 'current-error')).toBe('That is not your current password.')
    expect(response.body).toContain('aria-invalid="true" aria-describedby="current-error"')
    expect(response.body).not.toContain('not my password')
    expect(response.body).not.toContain('another new secret')
    expect(await signedIn(phone)).toBe(true)
    await expect(board.auth.login('wrongcurrent', password)).resolves.toBeTruthy()
  })

  it('refuses different new passwords, a too short one, and a form without fields', async () => {
    const { laptop, phone, password } = await twoDevices('mismatch')
    const different = await laptop.submit('/account', '/account/password', {
      current: password,
      password: 'first new secret',
      confirm: 'second new secret',
    })
    expect(different.statusCode).toBe(400)
    expect(fieldError(different.body, 'confirm-error')).toBe('The two new passwords are not the same.')

    const short = await laptop.submit('/account', '/account/password', {
      current: password,
      password: 'abc',
      confirm: 'abc',
    })
    expect(short.statusCode).toBe(400)
    expect(fieldError(short.body, 'new-password-error')).toMatch(/at least 8/)

    const empty = await laptop.submit('/account', '/account/password', {})
    expect(empty.statusCode).toBe(400)
    expect(fieldError(empty.body, 'password-form-error')).toBe('Fill in all three password fields.')
    expect(await signedIn(phone)).toBe(true)
  })

  it('counts wrong current passwords towards the lockout', async () => {
    const { laptop } = await twoDevices('guesser')
    let response = await laptop.submit('/account', '/account/password', {
      current: 'x1',
      password: 'new secret 1',
      confirm: 'new secret 1',
    })
    for (let attempt = 2; attempt <= 3; attempt++) {
      response = await laptop.submit('/account', '/account/password', {
        current: `x${attempt}`,
        password: 'new secret 1',
        confirm: 'new secret 1',
      })
    }
    expect(response.statusCode).toBe(429)
    expect(fieldError(response.body, 'password-form-error')).toMatch(
      /^Too many wrong passwords: this account is blocked for \d+ s\.$/,
    )
    expect(response.headers['retry-after']).toMatch(/^\d+$/)
  })

  it('is refused without the CSRF token', async () => {
    const { laptop, password } = await twoDevices('nocsrf')
    const response = await laptop.post('/account/password', {
      current: password,
      password: 'new secret 2',
      confirm: 'new secret 2',
    })
    expect(response.statusCode).toBe(403)
    await expect(board.auth.login('nocsrf', password)).resolves.toBeTruthy()
  })
})

describe('sessions', () => {
  it('signs out one other session, and answers "already ended" the second time', async () => {
    const { laptop, phone } = await twoDevices('revoker')
    const sessions = await board.auth.listSessions(await userId('revoker'))
    const page = await laptop.get('/account')
    const other = sessions.find((session) => page.body.includes(`value="${session.tokenHash}"`))!
    expect(other).toBeDefined()
    const first = await laptop.submit('/account', '/account/sessions/revoke', { session: other.tokenHash })
    expect(first.headers.location).toBe('/account?done=revoked')
    expect(await signedIn(phone)).toBe(false)
    expect(await signedIn(laptop)).toBe(true)
    const again = await laptop.submit('/account', '/account/sessions/revoke', { session: other.tokenHash })
    expect(again.headers.location).toBe('/account?done=gone')
    expect((await laptop.get('/account?done=gone')).body).toContain('That session had already ended.')
  })

  it("cannot end another user's session", async () => {
    const { phone: victim } = await twoDevices('victim')
    const [victimSession] = await board.auth.listSessions(await userId('victim'))
    const attacker = new Client(board.app)
    await attacker.register('attacker', 'attacker password')
    const response = await attacker.submit('/account', '/account/sessions/revoke', {
      session: victimSession!.tokenHash,
    })
    expect(response.headers.location).toBe('/account?done=gone')
    expect(await signedIn(victim)).toBe(true)
  })

  it('signs out every other session at once', async () => {
    const { laptop, phone } = await twoDevices('everywhere')
    const third = new Client(board.app)
    await third.login('everywhere', 'everywhere password')
    const response = await laptop.submit('/account', '/account/sessions/revoke-others', {})
    expect(response.headers.location).toBe('/account?done=others&ended=2')
    expect((await laptop.get('/account?done=others&ended=2')).body).toContain('2 other sessions were signed out.')
    expect(await signedIn(phone)).toBe(false)
    expect(await signedIn(third)).toBe(false)
    expect(await signedIn(laptop)).toBe(true)
  })

  it('signs this browser out when it ends its own session', async () => {
    const { laptop, phone } = await twoDevices('selfrevoke')
    const current = (await board.auth.listSessions(await userId('selfrevoke'))).find((session) =>
      session.userAgent?.includes('Firefox'),
    )!
    const response = await laptop.submit('/account', '/account/sessions/revoke', { session: current.tokenHash })
    expect(response.headers.location).toBe('/login')
    expect(laptop.cookies.has('__Host-parley')).toBe(false)
    expect(await signedIn(phone)).toBe(true)
  })

  it('rejects a malformed session id', async () => {
    const { laptop } = await twoDevices('malformed')
    const response = await laptop.submit('/account', '/account/sessions/revoke', { session: "' OR 1=1 --" })
    expect(response.statusCode).toBe(400)
  })
})

describe('GET /account/export', () => {
  it("downloads the user's profile, sessions, posts, messages and blocks, and nothing of others", async () => {
    const { laptop } = await twoDevices('exporter')
    const friend = new Client(board.app)
    await friend.register('friend', 'friend password')
    const stranger = new Client(board.app)
    await stranger.register('stranger', 'stranger password')
    await laptop.createPost('my own words')
    await friend.createPost("friend's words")
    const [me, friendId, strangerId] = [await userId('exporter'), await userId('friend'), await userId('stranger')]
    const at = Date.now()
    await board.storage.messages.storeMessage({
      senderId: me,
      recipientId: friendId,
      clientId: 'c1',
      body: 'hi friend',
      createdAt: at,
    })
    await board.storage.messages.storeMessage({
      senderId: friendId,
      recipientId: me,
      clientId: 'c2',
      body: 'hi back',
      createdAt: at + 1,
    })
    await board.storage.messages.storeMessage({
      senderId: friendId,
      recipientId: strangerId,
      clientId: 'c3',
      body: 'a private word to someone else',
      createdAt: at + 2,
    })
    await board.storage.blocks.block(me, strangerId)

    const response = await laptop.get('/account/export')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="parley-account-\d+-\d{4}-\d\d-\d\d\.json"$/,
    )
    expect(response.headers['cache-control']).toBe('no-store')
    const data = JSON.parse(response.body)
    expect(data).toMatchObject({
      format: 'parley-account-export',
      profile: { id: me, username: 'exporter', role: 'member', suspendedUntil: null },
      posts: [{ body: 'my own words' }],
      messages: [
        { direction: 'sent', counterpart: 'friend', body: 'hi friend' },
        { direction: 'received', counterpart: 'friend', body: 'hi back' },
      ],
      blocks: [{ username: 'stranger' }],
    })
    expect(data.sessions).toHaveLength(2)
    expect(response.body).not.toContain("friend's words")
    expect(response.body).not.toContain('a private word to someone else')
    expect(response.body).not.toMatch(/argon2|tokenHash|passwordHash/)
    expect(response.body).not.toContain(laptop.cookies.get('__Host-parley'))
  })

  it('is only for a signed-in user', async () => {
    const response = await new Client(board.app).get('/account/export')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
  })
})

describe('delete account', () => {
  it('needs the password and the confirmation box, and deletes nothing otherwise', async () => {
    const { laptop, password } = await twoDevices('hesitant')
    const wrong = await laptop.submit('/account', '/account/delete', { password: 'not it', understood: 'yes' })
    expect(wrong.statusCode).toBe(401)
    expect(fieldError(wrong.body, 'delete-password-error')).toBe('That is not your current password.')
    expect(wrong.body).not.toContain('not it"')
    const unticked = await laptop.submit('/account', '/account/delete', { password })
    expect(unticked.statusCode).toBe(400)
    expect(fieldError(unticked.body, 'delete-form-error')).toMatch(/Tick the box/)
    expect(await board.storage.users.getUserByKey('hesitant')).not.toBeNull()
    expect(await signedIn(laptop)).toBe(true)
  })

  it('removes credentials and sessions at once, signs out, and leaves the posts as "deleted user"', async () => {
    const { laptop, phone, password } = await twoDevices('leaver')
    await laptop.createPost('a post that outlives its author')
    const id = await userId('leaver')
    const reader = new Client(board.app)
    await reader.register('reader', 'reader password')

    const response = await laptop.submit('/account', '/account/delete', { password, understood: 'yes' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/account/deleted')
    expect(laptop.cookies.has('__Host-parley')).toBe(false)
    const farewell = await laptop.get('/account/deleted')
    expect(farewell.body).toContain('Your account is deleted and you are signed out everywhere.')

    expect(await board.storage.users.getUserById(id)).toBeNull()
    expect(await board.storage.sessions.listUserSessions(id)).toEqual([])
    expect(await signedIn(phone)).toBe(false)
    await expect(board.auth.login('leaver', password)).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' })

    const [post] = (await board.storage.posts.listPosts({ limit: 50 })).filter(
      (row) => row.body === 'a post that outlives its author',
    )
    expect(post).toMatchObject({ authorId: null, authorName: null })
    const boardPage = await reader.get('/')
    const item = boardPage.body
      .split('<li class="post"')
      .find((html) => html.includes('a post that outlives its author'))
    expect(item).toContain('<span class="author deleted">deleted user</span>')
    expect(await board.storage.check()).toEqual([])

    // The name is free again, and the new account inherits nothing.
    const newcomer = new Client(board.app)
    await newcomer.register('leaver', 'a different password')
    const exported = JSON.parse((await newcomer.get('/account/export')).body)
    expect(exported.posts).toEqual([])
  })

  it('keeps a signed-in visitor away from the goodbye page, and csrf-protects the form', async () => {
    const { laptop, password } = await twoDevices('stayer')
    expect((await laptop.get('/account/deleted')).headers.location).toBe('/account')
    const html = (await laptop.get('/account')).body
    const forged = await laptop.post('/account/delete', { password, understood: 'yes', _csrf: `${csrfOf(html)}x` })
    expect(forged.statusCode).toBe(403)
    expect(await board.storage.users.getUserByKey('stayer')).not.toBeNull()
  })
})
