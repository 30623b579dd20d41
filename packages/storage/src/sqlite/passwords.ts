import type { Database } from 'better-sqlite3'
import { sessionColumns } from '../sql/columns.js'
import type { PasswordStore, SessionRow } from '../types.js'
import { notFound } from './errors.js'
import type { SqliteRunner } from './runner.js'

/** Each method runs as one write: SQLite runs it alone, so the check and the writes cannot interleave. */
export function createSqlitePasswordStore(db: Database, run: SqliteRunner): PasswordStore {
  const hashOf = db.prepare<[number], { passwordHash: string }>(
    'SELECT password_hash AS "passwordHash" FROM users WHERE id = ?',
  )
  // The users_password_version trigger raises the version.
  const setHash = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?')
  const versionOf = `(SELECT password_version FROM users WHERE id = sessions.user_id)`
  const followRehash = db.prepare<[number]>(
    `UPDATE sessions SET password_version = password_version + 1 WHERE user_id = ? AND password_version + 1 = ${versionOf}`,
  )
  const keep = db.prepare<[string, number]>(
    `UPDATE sessions SET password_version = ${versionOf} WHERE token_hash = ? AND user_id = ?`,
  )
  const endOthers = db.prepare<[number, string | null], { tokenHash: string }>(
    'DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ? RETURNING token_hash AS "tokenHash"',
  )
  // The sessions_password_version trigger stamps the user's current version.
  const insert = db.prepare<[SessionRow]>(
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip)
     VALUES (@tokenHash, @userId, @createdAt, @lastSeenAt, @expiresAt, @userAgent, @ip)`,
  )
  const current = db.prepare<[string], SessionRow>(
    `SELECT ${sessionColumns} FROM sessions WHERE token_hash = ? AND password_version = ${versionOf}`,
  )

  const createLoginSession = db.transaction((session: SessionRow, verifiedHash: string, rehash: string | null) => {
    if (hashOf.get(session.userId)?.passwordHash !== verifiedHash) return false
    if (rehash !== null) {
      setHash.run(rehash, session.userId)
      followRehash.run(session.userId)
    }
    insert.run(session)
    return true
  })
  const changePassword = db.transaction((userId: number, passwordHash: string, keepTokenHash: string | null) => {
    if (setHash.run(passwordHash, userId).changes === 0) throw notFound(`user ${userId}`)
    const ended = endOthers.all(userId, keepTokenHash).map((row) => row.tokenHash)
    if (keepTokenHash !== null) keep.run(keepTokenHash, userId)
    return ended
  })

  return {
    createLoginSession: (session, verifiedHash, rehash) =>
      run.write(() => createLoginSession(session, verifiedHash, rehash)),
    changePassword: (userId, passwordHash, keepTokenHash) =>
      run.write(() => changePassword(userId, passwordHash, keepTokenHash ?? null)),
    getCurrentSession: (tokenHash) => run(() => current.get(tokenHash) ?? null),
  }
}
