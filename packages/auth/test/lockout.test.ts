import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { codeOf, makeAuth } from './helpers.js'

describe('lockout', () => {
  it('locks after exactly 3 consecutive wrong passwords, the third saying NowLocked', async () => {
    const { auth } = await makeAuth()
    await auth.register('alice', 'password1')
    expect(await codeOf(auth.login('alice', 'wrong-1'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(auth.login('alice', 'wrong-2'))).toBe(ErrorCode.InvalidCredentials)
    await expect(auth.login('alice', 'wrong-3')).rejects.toMatchObject({
      code: ErrorCode.NowLocked,
      details: { retryAfterMs: 60_000 },
    })
    // Locked now, even for the right password, and without spending an argon2 verification.
    await expect(auth.login('alice', 'password1')).rejects.toMatchObject({
      code: ErrorCode.Locked,
      message: 'Account blocked after 3 failed logins: try again in 60 s',
    })
  })

  it('counts down retryAfterMs and lets the right password in once the block expired', async () => {
    const { auth, clock, verifications } = await makeAuth()
    await auth.register('alice', 'password1')
    for (const guess of ['w1', 'w2', 'w3']) await codeOf(auth.login('alice', guess))
    clock.now += 57_000
    await expect(auth.login('alice', 'password1')).rejects.toMatchObject({
      code: ErrorCode.Locked,
      details: { retryAfterMs: 3000 },
      message: 'Account blocked after 3 failed logins: try again in 3 s',
    })
    const before = verifications.length
    clock.now += 3000
    await expect(auth.login('alice', 'password1')).resolves.toMatchObject({ user: { username: 'alice' } })
    expect(verifications.length).toBe(before + 1)
  })

  it('starts the count again after a successful login', async () => {
    const { auth } = await makeAuth()
    await auth.register('alice', 'password1')
    await codeOf(auth.login('alice', 'w1'))
    await codeOf(auth.login('alice', 'w2'))
    await auth.login('alice', 'password1')
    expect(await codeOf(auth.login('alice', 'w3'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(auth.login('alice', 'w4'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(auth.login('alice', 'w5'))).toBe(ErrorCode.NowLocked)
  })

  it('lets at most 3 of 50 parallel wrong passwords reach argon2', async () => {
    const { auth, verifications, storage } = await makeAuth()
    const { user } = await auth.register('alice', 'password1')
    const hash = (await storage.users.getUserById(user.id))!.passwordHash
    verifications.length = 0
    const codes = await Promise.all(Array.from({ length: 50 }, (_, i) => codeOf(auth.login('alice', `wrong-${i}`))))
    const verified = verifications.filter((h) => h === hash).length
    expect(verified).toBeLessThanOrEqual(3)
    const guessesChecked = codes.filter((c) => c === ErrorCode.InvalidCredentials || c === ErrorCode.NowLocked)
    expect(guessesChecked.length).toBe(verified)
    expect(codes.filter((c) => c === ErrorCode.NowLocked)).toHaveLength(1)
    expect(
      codes.every((c) => [ErrorCode.InvalidCredentials, ErrorCode.NowLocked, ErrorCode.Locked].includes(c as never)),
    ).toBe(true)
    // And the account ends up locked.
    expect(await codeOf(auth.login('alice', 'password1'))).toBe(ErrorCode.Locked)
  })

  it('shares the lock between two Auth instances on one database (board and chat)', async () => {
    const board = await makeAuth()
    const chat = await makeAuth({}, board)
    chat.clock.now = board.clock.now
    await board.auth.register('alice', 'password1')
    await codeOf(board.auth.login('alice', 'w1'))
    await codeOf(chat.auth.login('alice', 'w2'))
    expect(await codeOf(board.auth.login('alice', 'w3'))).toBe(ErrorCode.NowLocked)
    expect(await codeOf(chat.auth.login('alice', 'password1'))).toBe(ErrorCode.Locked)
  })

  it('applies the lockout to the current password check of changePassword', async () => {
    const { auth } = await makeAuth()
    const { user } = await auth.register('alice', 'password1')
    expect(await codeOf(auth.changePassword(user.id, 'w1', 'new-password'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(auth.changePassword(user.id, 'w2', 'new-password'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(auth.changePassword(user.id, 'w3', 'new-password'))).toBe(ErrorCode.NowLocked)
    expect(await codeOf(auth.login('alice', 'password1'))).toBe(ErrorCode.Locked)
  })
})
