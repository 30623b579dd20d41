import { randomBytes } from 'node:crypto'
import { ErrorCode, ParleyError } from '@parley/protocol'
import { type Role, type SessionRow, type Storage, StorageErrorCode, type UserRow } from '@parley/storage'
import { type AccountApi, createAccountApi } from './accounts.js'
import { type AuthConfig, resolveAuthConfig } from './config.js'
import { createCredentialCheck } from './credentials.js'
import { invalidCredentials, suspended } from './errors.js'
import { type AuthLogger, silentLogger } from './logger.js'
import { createModerationApi, type ModerationApi } from './moderation.js'
import { createNameGuard } from './name-guard.js'
import { checkPassword, createArgon2Hasher, type PasswordHasher } from './password.js'
import { createRevokeNotifier, type RevokeListener } from './revocation.js'
import { type ClientInfo, createSessions, type IssuedSession } from './sessions.js'
import { isSuspended } from './suspension.js'
import { hashToken, isWellFormedToken } from './tokens.js'
import { type NormalizedUsername, normalizeUsername } from './username.js'

export interface PublicUser {
  id: number
  username: string
  role: Role
}

export interface Authenticated {
  user: PublicUser
  session: SessionRow
}

/** Accounts and sessions here; self-service in `AccountApi` (accounts.ts), moderation in `ModerationApi`. */
export interface Auth extends AccountApi, ModerationApi {
  readonly config: AuthConfig
  /** NFC-normalises and checks the rules; throws ParleyError UsernameEmpty | UsernameTooLong | UsernameBadCharacters. */
  normalizeUsername(raw: string): NormalizedUsername
  /** Throws ParleyError PasswordTooShort | PasswordTooLong (details: { min } / { max }). */
  checkPassword(password: string): void
  userExists(username: string): Promise<boolean>
  /** Creates an account without a session (imports, admin tools). Throws the validation codes or UsernameTaken. */
  createUser(username: string, password: string, options?: { role?: Role }): Promise<PublicUser>
  /** Creates the account and a first session. Throws the validation codes or UsernameTaken. */
  register(
    username: string,
    password: string,
    client?: ClientInfo,
  ): Promise<{ user: PublicUser; session: IssuedSession }>
  /**
   * Throws InvalidCredentials (also for unknown names, after the same argon2 work), NowLocked (this
   * failure locked it, details.retryAfterMs), Locked (details.retryAfterMs), Suspended (details.until).
   * Rehashes when argon2 params changed. Always issues a NEW session token (rotation).
   */
  login(username: string, password: string, client?: ClientInfo): Promise<{ user: PublicUser; session: IssuedSession }>
  /** Looks a token up; null when missing/unknown/idle-expired/absolute-expired/user suspended or deleted. Touches lastSeenAt. */
  authenticate(token: string | null | undefined): Promise<Authenticated | null>
  /**
   * Like `authenticate` but read-only: the last-seen time is not refreshed. For periodic re-checks
   * (the gateway's heartbeat), which must not keep an idle session alive.
   */
  checkSession(token: string | null | undefined): Promise<Authenticated | null>
  /** Records that the session's user did something now (refreshes last-seen; no check). */
  touchSession(token: string): Promise<void>
  /** Deletes every idle- or absolute-expired session (run on a schedule); returns how many went. */
  pruneExpiredSessions(): Promise<number>
  /** Revokes that session server-side (no-op when unknown); listeners hear reason 'logout'. */
  logout(token: string): Promise<void>
  /** Checks the current password, stores the new hash, revokes every OTHER session of the user; returns revoked token hashes. */
  changePassword(userId: number, currentPassword: string, newPassword: string, keepToken?: string): Promise<string[]>
  /**
   * Command-line reset (audited with no actor): sets a new password without the old one and revokes ALL
   * sessions; returns revoked token hashes. Same as `resetPassword(null, …)` by user id.
   */
  setPassword(userId: number, newPassword: string): Promise<string[]>
  /** sha256 hex of a token, as stored in SessionRow.tokenHash. */
  hashToken(token: string): string
}

export interface CreateAuthOptions {
  storage: Storage
  config?: Partial<AuthConfig>
  now?: () => number
  /** Replaces argon2id (tests wrap it to count verifications). */
  hasher?: PasswordHasher
  log?: AuthLogger
  /** Told after sessions are revoked (logout, password change/reset, suspension, deletion, revoke), to close live sockets. */
  onRevoke?: RevokeListener
}

function publicUser(user: UserRow): PublicUser {
  return { id: user.id, username: user.username, role: user.role }
}

function isConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === StorageErrorCode.Conflict
}

export function createAuth(options: CreateAuthOptions): Auth {
  const config = resolveAuthConfig(options.config)
  const { storage } = options
  const now = options.now ?? Date.now
  const log = options.log ?? silentLogger
  const hasher = options.hasher ?? createArgon2Hasher(config.argon2)
  const sessions = createSessions({ storage, config, now })
  const verifyPassword = createCredentialCheck({ storage, config, hasher, now, log })
  const notifyRevoke = createRevokeNotifier(options.onRevoke, log)
  const accounts = createAccountApi({ storage, config, now, log, verifyPassword, notifyRevoke })
  const names = createNameGuard({ storage, log })
  const moderation = createModerationApi({ storage, config, now, log, hasher, notifyRevoke })

  // Unknown usernames are verified against this hash so they cost the same argon2 work as known ones.
  const dummyHash = hasher.hash(randomBytes(16).toString('base64url'))
  dummyHash.catch(() => undefined) // surfaced when awaited in login()

  async function findUser(username: string): Promise<UserRow | null> {
    let name: NormalizedUsername
    try {
      name = normalizeUsername(username)
    } catch {
      return null // a name breaking the rules can have no account
    }
    return names.find(name)
  }

  async function createUser(username: string, password: string, extra: { role?: Role } = {}): Promise<PublicUser> {
    const name = normalizeUsername(username)
    checkPassword(password, config)
    // Checked first to spare the hashing work; the unique key and skeleton in storage settle races.
    const usernameSkeleton = await names.claim(name)
    const passwordHash = await hasher.hash(password)
    try {
      const user = await storage.users.createUser({
        ...name,
        usernameSkeleton,
        passwordHash,
        role: extra.role,
        createdAt: now(),
      })
      log.info({ userId: user.id }, 'account created')
      return publicUser(user)
    } catch (error) {
      if (isConflict(error)) throw await names.conflictError(name, usernameSkeleton)
      throw error
    }
  }

  async function storeNewPassword(userId: number, newPassword: string, keepTokenHash?: string): Promise<string[]> {
    checkPassword(newPassword, config)
    const passwordHash = await hasher.hash(newPassword)
    // One transaction: the new hash, a new password version, and every other session ended.
    return storage.passwords.changePassword(userId, passwordHash, keepTokenHash)
  }

  return {
    ...accounts,
    ...moderation.api,
    config,
    normalizeUsername,
    checkPassword: (password) => checkPassword(password, config),
    hashToken,

    async userExists(username) {
      return (await findUser(username)) !== null
    },

    createUser,

    async register(username, password, client) {
      const user = await createUser(username, password)
      return { user, session: await sessions.issue(user.id, client) }
    },

    async login(username, password, client = {}) {
      // Longer than any valid password: cannot match; reject without hashing megabytes.
      if (password.length > 4 * config.maxPasswordLength) throw invalidCredentials()
      const user = await findUser(username)
      if (!user) {
        await hasher.verify(await dummyHash, password)
        log.info({ ip: client.ip ?? null }, 'login failed: unknown username')
        throw invalidCredentials()
      }
      await verifyPassword(user, password, client)
      // Suspension is only revealed to someone who knows the password.
      if (isSuspended(user, now())) {
        log.warn({ userId: user.id, ip: client.ip ?? null }, 'login refused: account suspended')
        throw suspended(user.suspendedUntil!)
      }
      const rehash = hasher.needsRehash(user.passwordHash) ? await hasher.hash(password) : null
      const { issued, row } = sessions.newSession(user.id, client)
      // The password may have been changed or reset while argon2 ran: then the hash verified above is
      // no longer the user's, and neither a session nor a rehash of the old password may be written.
      if (!(await storage.passwords.createLoginSession(row, user.passwordHash, rehash))) {
        log.warn({ userId: user.id, ip: client.ip ?? null }, 'login refused: password changed during sign-in')
        throw invalidCredentials()
      }
      if (rehash !== null) log.info({ userId: user.id }, 'password rehashed with current parameters')
      log.info({ userId: user.id, ip: client.ip ?? null }, 'login')
      return { user: publicUser(user), session: issued }
    },

    async authenticate(token) {
      const found = await sessions.lookup(token)
      return found && { user: publicUser(found.user), session: found.session }
    },

    async checkSession(token) {
      const found = await sessions.lookup(token, { touch: false })
      return found && { user: publicUser(found.user), session: found.session }
    },

    touchSession: (token) => sessions.touch(token),

    pruneExpiredSessions() {
      const at = now()
      return storage.sessions.deleteExpiredSessions(at, at - config.sessionIdleMs)
    },

    async logout(token) {
      // Looked up first: listeners need to know whose session ended.
      const session = isWellFormedToken(token) ? await storage.sessions.getSession(hashToken(token)) : null
      await sessions.revoke(token)
      if (session) notifyRevoke({ userId: session.userId, tokenHashes: [session.tokenHash], reason: 'logout' })
    },

    async changePassword(userId, currentPassword, newPassword, keepToken) {
      const user = await storage.users.getUserById(userId)
      if (!user) throw new ParleyError(ErrorCode.Unauthorized, 'No such account')
      checkPassword(newPassword, config)
      // The current password is checked under the lockout too: a stolen session must not become a guessing oracle.
      await verifyPassword(user, currentPassword, {})
      const revoked = await storeNewPassword(userId, newPassword, keepToken ? hashToken(keepToken) : undefined)
      log.info({ userId, revokedSessions: revoked.length }, 'password changed')
      notifyRevoke({ userId, tokenHashes: revoked, reason: 'password' })
      return revoked
    },

    async setPassword(userId, newPassword) {
      const user = await storage.users.getUserById(userId)
      if (!user) throw new ParleyError(ErrorCode.NotFound, 'No such account')
      return moderation.resetUserPassword(null, user, newPassword)
    },
  }
}
