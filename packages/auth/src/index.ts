/**
 * Accounts, passwords (argon2id), lockout and server-side sessions, shared by the board and the chat.
 * @module
 */
export type { AccountExport } from './account-export.js'
export type { AccountApi, SessionInfo } from './accounts.js'
export {
  type Attempt,
  type AttemptKind,
  type AttemptLimiter,
  type AttemptLimits,
  createAttemptLimiter,
  defaultAttemptLimits,
} from './attempt-limiter.js'
export { type AttemptCount, type AttemptStore, createMemoryAttemptStore } from './attempt-store.js'
export { type Auth, type Authenticated, type CreateAuthOptions, createAuth, type PublicUser } from './auth.js'
export { clientAddressKey } from './client-address.js'
export {
  type AuthConfig,
  defaultAuthConfig,
  MAX_USERNAME_LENGTH,
  MIN_ARGON2_MEMORY_KIB,
  MIN_ARGON2_TIME_COST,
  resolveAuthConfig,
} from './config.js'
export { SESSION_COOKIE } from './cookie.js'
export type { AuthLogger } from './logger.js'
export type { ModeratedUser, ModerationApi } from './moderation.js'
export { type OpenAttemptLimiterOptions, openAttemptLimiter } from './open-attempt-limiter.js'
export { createArgon2Hasher, type PasswordHasher } from './password.js'
export { MAX_REASON_LENGTH } from './reason.js'
export { createRedisAttemptStore, type RedisAttemptStoreOptions } from './redis-attempt-store.js'
export type { RevokeEvent, RevokeListener, RevokeReason } from './revocation.js'
export { decodeRevokeEvent, REVOKE_CHANNEL, RevokeEventSchema } from './revocation-event.js'
export type { ClientInfo, IssuedSession } from './sessions.js'
export { isSuspended, SUSPENDED_FOR_GOOD, type Suspension, suspensionOf } from './suspension.js'
export { hashToken } from './tokens.js'
export { type NormalizedUsername, normalizeUsername, usernameKeyOf } from './username.js'
