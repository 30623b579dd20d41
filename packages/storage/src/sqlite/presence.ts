import type { Database } from 'better-sqlite3'
import type { PresenceStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqlitePresenceStore(db: Database, run: SqliteRunner): PresenceStore {
  const open = db.prepare<[number, string, number], { id: number }>(
    'INSERT INTO presence (user_id, instance_id, login_at) VALUES (?, ?, ?) RETURNING id',
  )
  const close = db.prepare<[number, number]>(
    'UPDATE presence SET logout_at = max(login_at, ?) WHERE id = ? AND logout_at IS NULL',
  )
  const closeInstance = db.prepare<[number, string]>(
    'UPDATE presence SET logout_at = max(login_at, ?) WHERE instance_id = ? AND logout_at IS NULL',
  )
  const onlineSince = db.prepare<[number, number], { id: number }>(
    'SELECT DISTINCT user_id AS id FROM presence WHERE logout_at IS NULL OR logout_at >= ? ORDER BY user_id LIMIT ?',
  )
  const prune = db.prepare<[number]>('DELETE FROM presence WHERE logout_at IS NOT NULL AND logout_at < ?')

  return {
    openPresence: (userId, instanceId, at) => run.write(() => open.get(userId, instanceId, at)!.id),
    closePresence: (id, at) =>
      run.write(() => {
        close.run(at, id)
      }),
    closeInstancePresence: (instanceId, at) =>
      run.write(() => {
        closeInstance.run(at, instanceId)
      }),
    // LIMIT -1: no limit in SQLite.
    usersOnlineSince: (since, limit) => run(() => onlineSince.all(since, limit ?? -1).map((row) => row.id)),
    prunePresence: (before) => run.write(() => prune.run(before).changes),
  }
}
