/** Look-alike names (Unicode TS #39 skeletons) and the case-folding gaps fixed with them (issue 14, item 4). */
import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { createAuth, normalizeUsername, usernameKeyOf } from '../src/index.js'
import { codeOf, makeAuth } from './helpers.js'

describe('look-alike names', () => {
  it.each([
    ['admin', '\u0430dmin'], // Cyrillic а
    ['admin', '\u0410dmin'], // Cyrillic capital А: another case of the same look
    ['admin', 'adrnin'], // rn looks like m
    ['bob', 'b0b'],
    ['paypal', 'p\u0430yp\u0430l'],
    ['hans', '\u210Eans'], // ℎ, the Planck constant
  ])('refuses %s’s look-alike %s, naming the existing account', async (first, second) => {
    const { auth } = await makeAuth()
    await auth.register(first, 'password one')
    const refused = auth.register(second, 'password two')
    await expect(refused).rejects.toMatchObject({
      code: ErrorCode.UsernameConfusable,
      details: { similarTo: first },
    })
    await expect(auth.register(second, 'password two')).rejects.toThrow(`"${first}"`)
    expect(await auth.userExists(second)).toBe(false)
  })

  it('still says "taken" for the same name in another case, and allows names that merely share letters', async () => {
    const { auth } = await makeAuth()
    await auth.register('admin', 'password one')
    expect(await codeOf(auth.register('ADMIN', 'password two'))).toBe(ErrorCode.UsernameTaken)
    await expect(auth.register('admins', 'password two')).resolves.toBeTruthy()
    await expect(auth.register('madi', 'password two')).resolves.toBeTruthy()
  })

  it('checks against accounts made before the rule, filling in their skeletons once', async () => {
    const { auth, storage } = await makeAuth()
    // As an earlier version stored it: no skeleton.
    await storage.users.createUser({ username: 'admin', usernameKey: 'admin', passwordHash: 'x', createdAt: 1 })
    const fresh = createAuth({ storage })
    expect(await codeOf(fresh.register('\u0430dmin', 'password two'))).toBe(ErrorCode.UsernameConfusable)
    expect(await storage.users.listUsersWithoutSkeleton(10)).toEqual([])
    expect(await auth.userExists('admin')).toBe(true)
  })

  it('a race between two look-alike registrations leaves one account', async () => {
    const { auth, storage } = await makeAuth()
    const results = await Promise.allSettled([
      auth.register('admin', 'password one'),
      auth.register('\u0430dmin', 'password two'),
    ])
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    expect(await storage.users.listUsers()).toHaveLength(1)
  })
})

describe('case-folding gaps of the key', () => {
  it('keys ẞ (U+1E9E), ß and ss alike, at a fixed point', () => {
    expect(usernameKeyOf('\u1E9Eob')).toBe('ssob')
    expect(usernameKeyOf('ßob')).toBe('ssob')
    expect(usernameKeyOf(usernameKeyOf('\u1E9Eob'))).toBe('ssob')
  })

  it('keys a Greek iota subscript like its upper- and lower-case forms', () => {
    const name = normalizeUsername('\u1F80\u0301') // ᾄ
    expect(usernameKeyOf(name.username.toUpperCase().normalize('NFC'))).toBe(name.usernameKey)
    expect(usernameKeyOf(name.username.toLowerCase())).toBe(name.usernameKey)
    expect(usernameKeyOf(name.usernameKey)).toBe(name.usernameKey)
  })

  it('"ẞob" and "ßob" are one account; one made under the old key still signs in', async () => {
    const { auth, storage } = await makeAuth()
    await auth.register('ßob', 'password one')
    expect(await codeOf(auth.register('\u1E9Eob', 'password two'))).toBe(ErrorCode.UsernameTaken)
    // An account an earlier version keyed "ßob" under the one-round rule ("ẞ" → "ß").
    await storage.users.createUser({ username: '\u1E9Eva', usernameKey: 'ßva', passwordHash: 'x', createdAt: 1 })
    expect(await auth.userExists('\u1E9Eva')).toBe(true)
  })
})
