import type { Storage, UserRow } from '@parley/storage'
import type { AuthConfig } from './config.js'
import { busy, invalidCredentials, locked, nowLocked } from './errors.js'
import type { AuthLogger } from './logger.js'
import type { PasswordHasher } from './password.js'

/** A verification takes well under this; then the account is either locked or free again. */
const IN_FLIGHT_RETRY_MS = 1000

/**
 * Checks a password against an account under the shared lockout (board and chat count together).
 *
 * The attempt is registered BEFORE the slow argon2 verification, atomically in storage: 50 parallel
 * guesses each get a distinct attempt number, and only the first `maxFailures` reach argon2.
 */
export function createCredentialCheck(deps: {
  storage: Storage
  config: AuthConfig
  hasher: PasswordHasher
  now: () => number
  log: AuthLogger
}) {
  const { storage, config, hasher, now, log } = deps

  return async function verifyPassword(user: UserRow, password: string, client: { ip?: string | null }) {
    const attempt = await storage.loginFailures.registerLoginAttempt(user.id, now())
    if (attempt.lockedUntil !== null) {
      log.warn({ userId: user.id, ip: client.ip ?? null }, 'login refused: account locked')
      throw locked(Math.max(0, attempt.lockedUntil - now()), config.maxFailures)
    }
    if (attempt.attempt > config.maxFailures) {
      // Earlier guesses are still being verified: if they fail they lock the account, if one
      // succeeds the count starts again. Either way this guess gets no argon2 verification.
      log.warn({ userId: user.id, ip: client.ip ?? null }, 'login refused: too many attempts in flight')
      throw busy(Math.min(IN_FLIGHT_RETRY_MS, config.blockDurationMs))
    }
    if (await hasher.verify(user.passwordHash, password)) {
      await storage.loginFailures.clearLoginFailures(user.id)
      return
    }
    const after = await storage.loginFailures.recordLoginFailure(
      user.id,
      now(),
      config.maxFailures,
      config.blockDurationMs,
    )
    if (after.lockedUntil !== null) {
      log.warn({ userId: user.id, ip: client.ip ?? null, lockedUntil: after.lockedUntil }, 'account locked')
      throw nowLocked(Math.max(0, after.lockedUntil - now()), config.maxFailures)
    }
    log.info({ userId: user.id, ip: client.ip ?? null, attempt: after.attempt }, 'login failed: wrong password')
    throw invalidCredentials()
  }
}
