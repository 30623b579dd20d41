import { ErrorCode, type ParleyError } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { defaultAuthConfig, resolveAuthConfig } from '../src/index.js'
import { checkPassword } from '../src/password.js'

function check(password: string, min = 8, max = 1024): ParleyError | null {
  try {
    checkPassword(password, { minPasswordLength: min, maxPasswordLength: max })
    return null
  } catch (error) {
    return error as ParleyError
  }
}

describe('checkPassword', () => {
  it('accepts the default range 8 to 1024 characters', () => {
    expect(check('12345678')).toBeNull()
    expect(check('x'.repeat(1024))).toBeNull()
  })

  it('rejects a short password with PasswordTooShort and the minimum in details', () => {
    const error = check('1234567')
    expect(error?.code).toBe(ErrorCode.PasswordTooShort)
    expect(error?.details).toEqual({ min: 8 })
    expect(error?.message).toBe('Password must be at least 8 characters')
  })

  it('rejects 1025 characters with PasswordTooLong and the maximum in details', () => {
    const error = check('x'.repeat(1025))
    expect(error?.code).toBe(ErrorCode.PasswordTooLong)
    expect(error?.details).toEqual({ max: 1024 })
  })

  it('rejects a huge password without counting it character by character', () => {
    expect(check('x'.repeat(10_000_000))?.code).toBe(ErrorCode.PasswordTooLong)
  })

  it('counts code points: eight emoji are eight characters', () => {
    expect(check('🔑'.repeat(8))).toBeNull()
    expect(check('🔑'.repeat(7))?.code).toBe(ErrorCode.PasswordTooShort)
  })

  it('honours a configured minimum such as the original board’s 3', () => {
    expect(check('abc', 3)).toBeNull()
    expect(check('ab', 3)?.code).toBe(ErrorCode.PasswordTooShort)
  })
})

describe('resolveAuthConfig', () => {
  it('defaults to argon2id at OWASP minimum cost, 3 failures, 60 s block, 30 min idle, 12 h absolute', () => {
    expect(resolveAuthConfig()).toEqual(defaultAuthConfig)
    expect(defaultAuthConfig).toMatchObject({
      minPasswordLength: 8,
      maxPasswordLength: 1024,
      maxFailures: 3,
      blockDurationMs: 60_000,
      sessionIdleMs: 1_800_000,
      sessionAbsoluteMs: 43_200_000,
      argon2: { memoryCost: 19_456, timeCost: 2 },
    })
  })

  it('refuses argon2 parameters below 19 MiB or 2 passes, and nonsense lengths', () => {
    expect(() => resolveAuthConfig({ argon2: { memoryCost: 4096, timeCost: 2, parallelism: 1 } })).toThrow(/memoryCost/)
    expect(() => resolveAuthConfig({ argon2: { memoryCost: 19_456, timeCost: 1, parallelism: 1 } })).toThrow(/timeCost/)
    expect(() => resolveAuthConfig({ minPasswordLength: 0 })).toThrow(/minPasswordLength/)
    expect(() => resolveAuthConfig({ maxPasswordLength: 2048 })).toThrow(/maxPasswordLength/)
  })
})
