import type { SessionRow, Storage, UserRow } from '@parley/storage'
import type { AuthConfig } from './config.js'
import { isSuspended } from './suspension.js'
import { hashToken, isWellFormedToken, newToken } from './tokens.js'

/** lastSeenAt is written at most this often per session: authenticate() runs on every request. */
export const TOUCH_INTERVAL_MS = 60_000

export interface ClientInfo {
  ip?: string | null
  userAgent?: string | null
}

export interface IssuedSession {
  /** 32 random bytes, base64url. Only its hash is stored. */
  token: string
  /** Absolute expiry (epoch ms); the session ends earlier when idle for `sessionIdleMs`. */
  expiresAt: number
}

/** Longest user agent kept; the header is client-controlled. */
const MAX_USER_AGENT = 512

export function createSessions(deps: { storage: Storage; config: AuthConfig; now: () => number }) {
  const { storage, config, now } = deps

  /** A new token and the row to store for it (only the hash is kept). */
  function newSession(userId: number, client: ClientInfo = {}): { issued: IssuedSession; row: SessionRow } {
    const token = newToken()
    const createdAt = now()
    const expiresAt = createdAt + config.sessionAbsoluteMs
    const row: SessionRow = {
      tokenHash: hashToken(token),
      userId,
      createdAt,
      lastSeenAt: createdAt,
      expiresAt,
      userAgent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      ip: client.ip ?? null,
    }
    return { issued: { token, expiresAt }, row }
  }

  async function issue(userId: number, client: ClientInfo = {}): Promise<IssuedSession> {
    const { issued, row } = newSession(userId, client)
    await storage.sessions.createSession(row)
    return issued
  }

  /**
   * The live session of a token and its user, or null; ends sessions found expired or suspended.
   * `touch: false` is a read-only check: the session's last-seen time stays as it is (periodic
   * re-checks must not keep an idle session alive).
   */
  async function lookup(
    token: string | null | undefined,
    options: { touch?: boolean } = {},
  ): Promise<{ user: UserRow; session: SessionRow } | null> {
    if (!token || !isWellFormedToken(token)) return null
    const tokenHash = hashToken(token)
    // Null too for a session issued before the user's last password change or reset.
    const session = await storage.passwords.getCurrentSession(tokenHash)
    if (!session) return null
    const at = now()
    if (session.expiresAt <= at || session.lastSeenAt + config.sessionIdleMs <= at) {
      await storage.sessions.deleteSession(tokenHash)
      return null
    }
    const user = await storage.users.getUserById(session.userId)
    if (!user || isSuspended(user, at)) {
      await storage.sessions.deleteSession(tokenHash)
      return null
    }
    if (options.touch !== false && at - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await storage.sessions.touchSession(tokenHash, at)
      return { user, session: { ...session, lastSeenAt: at } }
    }
    return { user, session }
  }

  /** Records activity of the session now (something its user did), if the token is well formed. */
  async function touch(token: string): Promise<void> {
    if (!isWellFormedToken(token)) return
    await storage.sessions.touchSession(hashToken(token), now())
  }

  async function revoke(token: string): Promise<void> {
    if (!isWellFormedToken(token)) return
    await storage.sessions.deleteSession(hashToken(token))
  }

  return { newSession, issue, lookup, touch, revoke }
}
