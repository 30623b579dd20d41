/**
 * Self-service account functions: the sessions list, revoking sessions, deleting the account and
 * exporting its data. Every revocation is announced through `notifyRevoke` after it is stored.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { SessionRow, Storage, UserRow } from '@parley/storage'
import { type AccountExport, buildAccountExport } from './account-export.js'
import type { AuthConfig } from './config.js'
import type { AuthLogger } from './logger.js'
import type { NotifyRevoke } from './revocation.js'

/** A live session as the user's "where you are signed in" list shows it. */
export interface SessionInfo {
  /** Identifies the session for `revokeSession` (a hash: it cannot be used as a token). */
  tokenHash: string
  createdAt: number
  lastSeenAt: number
  /** When it ends if used until then (absolute expiry); unused, it ends at `lastSeenAt + sessionIdleMs`. */
  expiresAt: number
  ip: string | null
  userAgent: string | null
  /** True for the session whose token hash the caller passed (the browser asking). */
  current: boolean
}

export interface AccountApi {
  /** Live sessions of the user, most recently used first. */
  listSessions(userId: number, currentTokenHash?: string): Promise<SessionInfo[]>
  /** Ends one session of this user; false when it is not theirs or already gone. */
  revokeSession(userId: number, tokenHash: string): Promise<boolean>
  /** Ends every session of the user except, optionally, one (usually the current); returns the ended hashes. */
  revokeAllSessions(userId: number, exceptTokenHash?: string): Promise<string[]>
  /**
   * Checks the password (under the lockout, like login: InvalidCredentials, NowLocked, Locked), then
   * deletes the account in one transaction: credentials, sessions, lockout state, blocks and presence
   * go; posts and chat messages stay with no author ("deleted user"). Unknown user: Unauthorized.
   */
  deleteAccount(userId: number, password: string): Promise<void>
  /** Everything kept about the account, JSON-ready (no password hash, no tokens). Unknown user: Unauthorized. */
  exportData(userId: number): Promise<AccountExport>
}

export function createAccountApi(deps: {
  storage: Storage
  config: AuthConfig
  now: () => number
  log: AuthLogger
  verifyPassword: (user: UserRow, password: string, client: { ip?: string | null }) => Promise<void>
  notifyRevoke: NotifyRevoke
}): AccountApi {
  const { storage, config, now, log, verifyPassword, notifyRevoke } = deps

  function isLive(session: SessionRow, at: number): boolean {
    return session.expiresAt > at && session.lastSeenAt + config.sessionIdleMs > at
  }

  return {
    async listSessions(userId, currentTokenHash) {
      const at = now()
      const sessions = await storage.sessions.listUserSessions(userId)
      return sessions
        .filter((session) => isLive(session, at))
        .map((session) => ({
          tokenHash: session.tokenHash,
          createdAt: session.createdAt,
          lastSeenAt: session.lastSeenAt,
          expiresAt: session.expiresAt,
          ip: session.ip,
          userAgent: session.userAgent,
          current: session.tokenHash === currentTokenHash,
        }))
    },

    async revokeSession(userId, tokenHash) {
      const session = await storage.sessions.getSession(tokenHash)
      // Someone else's session answers like a missing one: the hash reveals nothing.
      if (!session || session.userId !== userId) return false
      await storage.sessions.deleteSession(tokenHash)
      log.info({ userId }, 'session revoked')
      notifyRevoke({ userId, tokenHashes: [tokenHash], reason: 'revoked' })
      return true
    },

    async revokeAllSessions(userId, exceptTokenHash) {
      const ended = await storage.sessions.deleteUserSessions(userId, exceptTokenHash)
      log.info({ userId, revokedSessions: ended.length }, 'sessions revoked')
      notifyRevoke({ userId, tokenHashes: exceptTokenHash === undefined ? 'all' : ended, reason: 'revoked' })
      return ended
    },

    async deleteAccount(userId, password) {
      const user = await storage.users.getUserById(userId)
      if (!user) throw new ParleyError(ErrorCode.Unauthorized, 'No such account')
      await verifyPassword(user, password, {})
      await storage.users.deleteUser(userId)
      log.info({ userId }, 'account deleted')
      notifyRevoke({ userId, tokenHashes: 'all', reason: 'deleted' })
    },

    exportData: (userId) => buildAccountExport(storage, userId, { now: now(), sessionIdleMs: config.sessionIdleMs }),
  }
}
