import { ErrorCode, ParleyError } from '@parley/protocol'
import * as argon2 from 'argon2'
import type { AuthConfig } from './config.js'

/**
 * Passwords are NFC-normalised before hashing so the same password typed on systems that compose
 * accents differently still matches (NIST SP 800-63B 5.1.1.2).
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC')
}

/** Length in code points after NFC, the unit the rules are stated in. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length
}

/** Throws PasswordTooShort / PasswordTooLong with `{ min }` / `{ max }` details. */
export function checkPassword(password: string, config: Pick<AuthConfig, 'minPasswordLength' | 'maxPasswordLength'>) {
  // Cheap bound first: a megabyte "password" is rejected without iterating it.
  const length = password.length > 4 * config.maxPasswordLength ? Number.POSITIVE_INFINITY : passwordLength(password)
  if (length < config.minPasswordLength) {
    throw new ParleyError(
      ErrorCode.PasswordTooShort,
      `Password must be at least ${config.minPasswordLength} characters`,
      { min: config.minPasswordLength },
    )
  }
  if (length > config.maxPasswordLength) {
    throw new ParleyError(
      ErrorCode.PasswordTooLong,
      `Password must be at most ${config.maxPasswordLength} characters`,
      { max: config.maxPasswordLength },
    )
  }
}

/** The password hashing primitive, injectable so tests can count verifications. */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(hash: string, password: string): Promise<boolean>
  /** True when the hash was made with other parameters (or another algorithm) than the current ones. */
  needsRehash(hash: string): boolean
}

export function createArgon2Hasher(params: AuthConfig['argon2']): PasswordHasher {
  const options: argon2.HashOptions = { type: argon2.argon2id, ...params }
  return {
    hash: (password) => argon2.hash(normalizePassword(password), options),
    verify: (hash, password) => argon2.verify(hash, normalizePassword(password)),
    needsRehash: (hash) => !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, params),
  }
}
