import { sessionColumns } from '../sql/columns.js'
import type { SessionRow, SessionStore } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresSessionStore(db: PgDb): SessionStore {
  return {
    async createSession(session) {
      await db.execute(
        `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          session.tokenHash,
          session.userId,
          session.createdAt,
          session.lastSeenAt,
          session.expiresAt,
          session.userAgent,
          session.ip,
        ],
      )
    },
    async getSession(tokenHash) {
      const [row] = await db.query<SessionRow>(`SELECT ${sessionColumns} FROM sessions WHERE token_hash = $1`, [
        tokenHash,
      ])
      return row ?? null
    },
    async touchSession(tokenHash, now) {
      // GREATEST keeps lastSeenAt from moving backwards when two requests race.
      await db.execute('UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE token_hash = $2', [
        now,
        tokenHash,
      ])
    },
    async deleteSession(tokenHash) {
      await db.execute('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
    },
    async deleteUserSessions(userId, exceptTokenHash) {
      const rows = await db.query<{ tokenHash: string }>(
        `DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash AS "tokenHash"`,
        [userId, exceptTokenHash ?? null],
      )
      return rows.map((row) => row.tokenHash)
    },
    listUserSessions: (userId) =>
      db.query<SessionRow>(
        `SELECT ${sessionColumns} FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC, token_hash`,
        [userId],
      ),
    deleteExpiredSessions: (now, idleBefore) =>
      db.execute('DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2', [now, idleBefore]),
  }
}
