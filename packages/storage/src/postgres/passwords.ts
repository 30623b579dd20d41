import { sessionColumns } from '../sql/columns.js'
import type { PasswordStore, SessionRow } from '../types.js'
import type { PgDb } from './client.js'
import { notFound } from './errors.js'

const versionOf = '(SELECT password_version FROM users WHERE id = sessions.user_id)'

/**
 * The user's row is locked first (FOR UPDATE, or the UPDATE's own lock): a login and a password
 * change of one account take turns, so a login never commits a session under a hash already replaced.
 */
export function createPostgresPasswordStore(db: PgDb): PasswordStore {
  return {
    createLoginSession: (session, verifiedHash, rehash) =>
      db.transaction(async (tx) => {
        const [user] = await tx.query<{ passwordHash: string }>(
          'SELECT password_hash AS "passwordHash" FROM users WHERE id = $1 FOR UPDATE',
          [session.userId],
        )
        if (user?.passwordHash !== verifiedHash) return false
        if (rehash !== null) {
          // The users_password_version trigger raises the version; the same password's sessions follow it.
          await tx.execute('UPDATE users SET password_hash = $1 WHERE id = $2', [rehash, session.userId])
          await tx.execute(
            `UPDATE sessions SET password_version = password_version + 1
             WHERE user_id = $1 AND password_version + 1 = ${versionOf}`,
            [session.userId],
          )
        }
        // The sessions_password_version trigger stamps the user's current version.
        await tx.execute(
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
        return true
      }),
    changePassword: (userId, passwordHash, keepTokenHash) =>
      db.transaction(async (tx) => {
        const changed = await tx.execute('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId])
        if (changed === 0) throw notFound(`user ${userId}`)
        const rows = await tx.query<{ tokenHash: string }>(
          `DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash AS "tokenHash"`,
          [userId, keepTokenHash ?? null],
        )
        if (keepTokenHash !== undefined) {
          await tx.execute(
            `UPDATE sessions SET password_version = ${versionOf} WHERE token_hash = $1 AND user_id = $2`,
            [keepTokenHash, userId],
          )
        }
        return rows.map((row) => row.tokenHash)
      }),
    async getCurrentSession(tokenHash) {
      const [row] = await db.query<SessionRow>(
        `SELECT ${sessionColumns} FROM sessions WHERE token_hash = $1 AND password_version = ${versionOf}`,
        [tokenHash],
      )
      return row ?? null
    },
  }
}
