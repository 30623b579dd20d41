import { ErrorCode, ParleyError } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { codeOf, makeAuth } from './helpers.js'

describe('register', () => {
  it('creates the account with an argon2id hash and a first session', async () => {
    const { auth, storage } = await makeAuth()
    const { user, session } = await auth.register('Alice', 'correct horse')
    expect(user).toEqual({ id: expect.any(Number), username: 'Alice', role: 'member' })
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const row = await storage.users.getUserById(user.id)
    expect(row?.usernameKey).toBe('alice')
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)
    expect((await auth.authenticate(session.token))?.user).toEqual(user)
  })

  it.each([
    ['', 'password1', ErrorCode.UsernameEmpty],
    ['a'.repeat(33), 'password1', ErrorCode.UsernameTooLong],
    ['bad name', 'password1', ErrorCode.UsernameBadCharacters],
    ['bob', 'short', ErrorCode.PasswordTooShort],
    ['bob', 'x'.repeat(1025), ErrorCode.PasswordTooLong],
  ])('rejects (%j, password of %#) with its code', async (username, password, code) => {
    const { auth, storage } = await makeAuth()
    await expect(auth.register(username, password)).rejects.toMatchObject({ code })
    expect(await storage.users.listUsers()).toEqual([])
  })

  it('says "Username is already taken" case-insensitively', async () => {
    const { auth } = await makeAuth()
    await auth.register('Alice', 'password1')
    const error = await auth.register('aLiCe', 'password2').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParleyError)
    expect(error).toMatchObject({ code: ErrorCode.UsernameTaken, message: 'Username is already taken' })
  })

  it('treats composed and decomposed "é" as the same name', async () => {
    const { auth, storage } = await makeAuth()
    const { user } = await auth.register('Jos\u00e9', 'password1')
    expect(await codeOf(auth.register('Jose\u0301', 'password2'))).toBe(ErrorCode.UsernameTaken)
    expect(await codeOf(auth.register('JOSE\u0301', 'password2'))).toBe(ErrorCode.UsernameTaken)
    expect((await storage.users.getUserById(user.id))?.username).toBe('Jos\u00e9')
    expect(await auth.userExists('jose\u0301')).toBe(true)
  })

  it('lets exactly one of two parallel registrations of a name win', async () => {
    const { auth, storage } = await makeAuth()
    const results = await Promise.allSettled([auth.register('carol', 'password1'), auth.register('CAROL', 'password2')])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    expect(rejected?.reason).toMatchObject({ code: ErrorCode.UsernameTaken })
    expect(await storage.users.listUsers()).toHaveLength(1)
  })
})

describe('login', () => {
  it('accepts the right password under any case and normal form of the name', async () => {
    const { auth } = await makeAuth()
    const registered = await auth.register('Jos\u00e9', 'pässwörd')
    const { user } = await auth.login('JOSE\u0301', 'pa\u0308sswo\u0308rd') // decomposed password too
    expect(user).toEqual(registered.user)
  })

  it('rejects a wrong password with InvalidCredentials', async () => {
    const { auth } = await makeAuth()
    await auth.register('alice', 'password1')
    const error = await auth.login('alice', 'password2').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.InvalidCredentials, message: 'Wrong username or password' })
  })

  it('gives an unknown or invalid username the same answer, after the same argon2 work', async () => {
    const { auth, verifications } = await makeAuth()
    await auth.register('alice', 'password1')
    for (const name of ['nobody', 'no body', '']) {
      verifications.length = 0
      expect(await codeOf(auth.login(name, 'password1'))).toBe(ErrorCode.InvalidCredentials)
      // One real argon2id verification against the start-up dummy hash, with the same parameters.
      expect(verifications).toHaveLength(1)
      expect(verifications[0]).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)
    }
  })

  it('refuses a suspended account with Suspended, and only to someone knowing the password', async () => {
    const { auth, storage, clock } = await makeAuth()
    const { user } = await auth.register('mallory', 'password1')
    const until = clock.now + 3_600_000
    await storage.users.setSuspension(user.id, until)
    expect(await codeOf(auth.login('mallory', 'wrong-password'))).toBe(ErrorCode.InvalidCredentials)
    await expect(auth.login('mallory', 'password1')).rejects.toMatchObject({
      code: ErrorCode.Suspended,
      details: { until, permanent: false },
    })
    clock.now = until + 1
    await expect(auth.login('mallory', 'password1')).resolves.toMatchObject({ user: { id: user.id } })
  })

  it('rehashes on login when the argon2 parameters were raised', async () => {
    const first = await makeAuth()
    const { user } = await first.auth.register('dave', 'password1')
    const before = (await first.storage.users.getUserById(user.id))?.passwordHash
    const stronger = await makeAuth({ argon2: { memoryCost: 19_456, timeCost: 3, parallelism: 1 } }, first)
    await stronger.auth.login('dave', 'password1')
    const after = (await first.storage.users.getUserById(user.id))?.passwordHash
    expect(before).toMatch(/,t=2\$/)
    expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=3\$/)
    // The new hash still opens the account, and an unchanged config leaves it alone.
    await stronger.auth.login('dave', 'password1')
    expect((await first.storage.users.getUserById(user.id))?.passwordHash).toBe(after)
  })
})
