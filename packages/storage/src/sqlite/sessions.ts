import type { Database } from 'better-sqlite3'
import { sessionColumns } from '../sql/columns.js'
import type { SessionRow, SessionStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteSessionStore(db: Database, run: SqliteRunner): SessionStore {
  const insert = db.prepare<[SessionRow]>(
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip)
     VALUES (@tokenHash, @userId, @createdAt, @lastSeenAt, @expiresAt, @userAgent, @ip)`,
  )
  const get = db.prepare<[string], SessionRow>(`SELECT ${sessionColumns} FROM sessions WHERE token_hash = ?`)
  // max() keeps lastSeenAt from moving backwards when two requests race.
  const touch = db.prepare<[number, string]>(
    'UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?',
  )
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?')
  const removeUserSessions = db.prepare<[number, string | null], { tokenHash: string }>(
    'DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ? RETURNING token_hash AS "tokenHash"',
  )
  const listForUser = db.prepare<[number], SessionRow>(
    `SELECT ${sessionColumns} FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC, token_hash`,
  )
  const removeExpired = db.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?')

  return {
    createSession: (session) =>
      run.write(() => {
        insert.run(session)
      }),
    getSession: (tokenHash) => run(() => get.get(tokenHash) ?? null),
    touchSession: (tokenHash, now) =>
      run.write(() => {
        touch.run(now, tokenHash)
      }),
    deleteSession: (tokenHash) =>
      run.write(() => {
        remove.run(tokenHash)
      }),
    deleteUserSessions: (userId, exceptTokenHash) =>
      run.write(() => removeUserSessions.all(userId, exceptTokenHash ?? null).map((row) => row.tokenHash)),
    listUserSessions: (userId) => run(() => listForUser.all(userId)),
    deleteExpiredSessions: (now, idleBefore) => run.write(() => removeExpired.run(now, idleBefore).changes),
  }
}
