import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { TestClient } from './helpers/client.js'
import { BOARD_ORIGIN, Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('lookup and login', () => {
  it('tells whether an account exists and whether new ones can be made', async () => {
    h = await Harness.start()
    await h.register('hans')
    const client = await h.connect()
    expect(await client.request({ type: 'lookup', username: 'hans' })).toMatchObject({
      type: 'lookup',
      username: 'hans',
      exists: true,
      canCreate: true,
    })
    expect(await client.request({ type: 'lookup', username: 'newbie' })).toMatchObject({ exists: false })
    expect(await client.request({ type: 'lookup', username: 'bad name!' })).toMatchObject({
      type: 'error',
      code: ErrorCode.UsernameBadCharacters,
    })
  })

  it('logs in with the right password and welcomes with a resumable token', async () => {
    h = await Harness.start({ config: { timeoutSeconds: 123 } })
    await h.register('hans')
    const client = await h.connect()
    const welcome = await client.login('hans', PASSWORD)
    expect(welcome).toMatchObject({ type: 'welcome', v: 1, username: 'hans', timeoutSeconds: 123, online: [] })
    expect(welcome.blocked).toEqual([])
    expect(await h.auth.authenticate(welcome.token)).toMatchObject({ user: { username: 'hans' } })
  })

  it('counts wrong passwords, locks on the third, refuses while locked and lets in after the block', async () => {
    h = await Harness.start({ blockDurationMs: 5000 })
    await h.register('hans')
    const client = await h.connect()
    const attempt = (password: string) => client.request({ type: 'login', v: 1, username: 'hans', password })
    expect(await attempt('wrong-1')).toMatchObject({ type: 'error', code: ErrorCode.InvalidCredentials })
    expect(await attempt('wrong-2')).toMatchObject({ type: 'error', code: ErrorCode.InvalidCredentials })
    const nowLocked = await attempt('wrong-3')
    expect(nowLocked).toMatchObject({ type: 'error', code: ErrorCode.NowLocked })
    expect(nowLocked.type === 'error' && nowLocked.retryAfterMs).toBeGreaterThan(0)
    const locked = await attempt(PASSWORD)
    expect(locked).toMatchObject({ type: 'error', code: ErrorCode.Locked })
    expect(locked.type === 'error' && locked.retryAfterMs).toBeLessThanOrEqual(5000)
    h.clock.advance(5001)
    expect(await attempt(PASSWORD)).toMatchObject({ type: 'welcome', username: 'hans' })
  })

  it('refuses an unknown name without create, and creates the account with create', async () => {
    h = await Harness.start()
    const client = await h.connect()
    expect(await client.request({ type: 'login', v: 1, username: 'yoda', password: PASSWORD })).toMatchObject({
      type: 'error',
      code: ErrorCode.InvalidCredentials,
    })
    const welcome = await client.login('yoda', PASSWORD, true)
    expect(welcome.username).toBe('yoda')
    expect(await h.auth.userExists('yoda')).toBe(true)
    const other = await h.connect()
    expect(await other.request({ type: 'lookup', username: 'yoda' })).toMatchObject({ exists: true })
  })

  it('applies the password rules to new accounts', async () => {
    h = await Harness.start()
    const client = await h.connect()
    expect(
      await client.request({ type: 'login', v: 1, username: 'yoda', password: 'short', create: true }),
    ).toMatchObject({ type: 'error', code: ErrorCode.PasswordTooShort })
    expect(await h.auth.userExists('yoda')).toBe(false)
  })

  it('does not create accounts when CHAT_ALLOW_NEW_USERS is off', async () => {
    h = await Harness.start({ config: { allowNewUsers: false } })
    const client = await h.connect()
    expect(await client.request({ type: 'lookup', username: 'yoda' })).toMatchObject({
      exists: false,
      canCreate: false,
    })
    expect(
      await client.request({ type: 'login', v: 1, username: 'yoda', password: PASSWORD, create: true }),
    ).toMatchObject({ type: 'error', code: ErrorCode.Forbidden })
    expect(await h.auth.userExists('yoda')).toBe(false)
    // Existing accounts still log in, create flag or not.
    await h.register('hans')
    expect(
      await client.request({ type: 'login', v: 1, username: 'hans', password: PASSWORD, create: true }),
    ).toMatchObject({
      type: 'welcome',
    })
  })

  it('refuses every other command before sign-in', async () => {
    h = await Harness.start()
    const client = await h.connect()
    for (const frame of [
      { type: 'whoelse' },
      { type: 'message', to: 'hans', text: 'hi' },
      { type: 'broadcast', text: 'hi' },
      { type: 'logout' },
    ]) {
      expect(await client.request(frame)).toMatchObject({ type: 'error', code: ErrorCode.Unauthorized })
    }
  })

  it('refuses a second login on the same connection', async () => {
    h = await Harness.start()
    const client = await h.loginAs('hans')
    expect(await client.request({ type: 'login', v: 1, username: 'hans', password: PASSWORD })).toMatchObject({
      type: 'error',
      code: ErrorCode.InvalidCommand,
    })
  })
})

describe('one session per account (CHAT_ONE_SESSION_PER_USER)', () => {
  it('refuses a login while the account is online under another session, and revokes that new session', async () => {
    h = await Harness.start({ config: { oneSessionPerUser: true } })
    const first = await h.loginAs('hans')
    const second = await h.connect()
    const refused = await second.request({ type: 'login', v: 1, username: 'hans', password: PASSWORD })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.AlreadyOnline, user: 'hans' })
    expect(refused.type === 'error' && refused.message).toBe('This account is already logged in elsewhere')
    expect(await h.storage.sessions.listUserSessions(await h.userId('hans'))).toHaveLength(1)
    // The first connection is untouched.
    expect(await first.request({ type: 'whoelse' })).toMatchObject({ type: 'users', users: [] })
    // Once the first has gone, the login works.
    first.close()
    await first.waitClosed()
    expect(await second.request({ type: 'login', v: 1, username: 'hans', password: PASSWORD })).toMatchObject({
      type: 'welcome',
    })
  })

  it('a token resume of the same session replaces the stale connection at once', async () => {
    h = await Harness.start()
    const observer = await h.loginAs('luke')
    const stale = await h.loginAs('hans')
    const { token } = stale.ofType('welcome')[0]!
    await observer.waitForType('presence', (p) => p.user === 'hans' && p.state === 'online')
    const mark = observer.frames.length

    const fresh = await h.connect()
    const welcome = await fresh.request({ type: 'resume', v: 1, token })
    expect(welcome).toMatchObject({ type: 'welcome', username: 'hans', token })
    expect(await stale.waitForType('bye')).toMatchObject({ reason: 'replaced' })
    expect((await stale.waitClosed()).code).toBe(4003)

    // Messages now reach the new connection; the observer saw no logout/login churn.
    await observer.request({ type: 'message', to: 'hans', text: 'still there?' })
    await fresh.waitForType('message', (m) => m.text === 'still there?')
    await observer.request({ type: 'whoelse' })
    expect(observer.frames.slice(mark).filter((f) => f.type === 'presence')).toEqual([])
  })

  it('refuses a resume with an unknown or revoked token', async () => {
    h = await Harness.start()
    const client = await h.connect()
    expect(await client.request({ type: 'resume', v: 1, token: 'nope' })).toMatchObject({
      type: 'error',
      code: ErrorCode.Unauthorized,
    })
    const hans = await h.loginAs('hans')
    const { token } = hans.ofType('welcome')[0]!
    await h.auth.logout(token!)
    expect(await client.request({ type: 'resume', v: 1, token })).toMatchObject({ code: ErrorCode.Unauthorized })
  })

  it('logout says bye, closes with 1000, ends the token and shows the user offline', async () => {
    h = await Harness.start()
    const observer = await h.loginAs('luke')
    const hans = await h.loginAs('hans')
    const { token } = hans.ofType('welcome')[0]!
    hans.send({ type: 'logout' })
    expect(await hans.waitForType('bye')).toMatchObject({ reason: 'logout' })
    expect((await hans.waitClosed()).code).toBe(1000)
    await observer.waitForType('presence', (p) => p.user === 'hans' && p.state === 'offline')
    expect(await h.auth.authenticate(token)).toBeNull()
  })
})

describe('browser connections', () => {
  async function boardSession(username: string): Promise<string> {
    await h.register(username)
    return (await h.auth.login(username, PASSWORD)).session.token
  }

  it('resumes the board session from the cookie of an allowed page; tabs coexist', async () => {
    h = await Harness.start({ config: { oneSessionPerUser: true } })
    const observer = await h.loginAs('luke')
    const token = await boardSession('hans')
    const cookie = `theme=dark; __Host-parley=${encodeURIComponent(token)}`
    const tab1 = await h.connect({ origin: BOARD_ORIGIN, cookie })
    const welcome = await tab1.request({ type: 'resume', v: 1 })
    expect(welcome).toMatchObject({ type: 'welcome', username: 'hans', online: ['luke'] })
    expect(welcome.type === 'welcome' && welcome.token).toBeUndefined()
    const tab2 = await h.connect({ origin: BOARD_ORIGIN, cookie })
    expect(await tab2.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome', username: 'hans' })

    await observer.request({ type: 'message', to: 'hans', text: 'to every tab' })
    await tab1.waitForType('message', (m) => m.text === 'to every tab')
    await tab2.waitForType('message', (m) => m.text === 'to every tab')
    await observer.request({ type: 'whoelse' })
    expect(observer.ofType('presence').filter((p) => p.user === 'hans')).toHaveLength(1)

    // One tab closing keeps hans online; a CLI login of another session is refused meanwhile.
    tab1.close()
    await tab1.waitClosed()
    const cli = await h.connect()
    expect(await cli.request({ type: 'login', v: 1, username: 'hans', password: PASSWORD })).toMatchObject({
      code: ErrorCode.AlreadyOnline,
    })
    // A tab's logout leaves the board session alone.
    tab2.send({ type: 'logout' })
    await tab2.waitClosed()
    expect(await h.auth.authenticate(token)).not.toBeNull()
  })

  it('refuses an upgrade from a page of another origin with 403', async () => {
    h = await Harness.start()
    const token = await boardSession('hans')
    const status = await TestClient.refusedStatus(h.url, {
      ca: h.certs.ca,
      origin: 'https://evil.example',
      cookie: `__Host-parley=${token}`,
    })
    expect(status).toBe(403)
  })

  it('ignores the cookie of a client that sends no Origin', async () => {
    h = await Harness.start()
    const token = await boardSession('hans')
    const client = await h.connect({ cookie: `__Host-parley=${token}` })
    expect(await client.request({ type: 'resume', v: 1 })).toMatchObject({ code: ErrorCode.Unauthorized })
  })

  it('refuses a resume with a revoked cookie session', async () => {
    h = await Harness.start()
    const token = await boardSession('hans')
    await h.auth.logout(token)
    const client = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${token}` })
    expect(await client.request({ type: 'resume', v: 1 })).toMatchObject({ code: ErrorCode.Unauthorized })
  })
})
