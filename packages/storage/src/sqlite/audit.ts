import type { Database } from 'better-sqlite3'
import { type AuditParams, auditParams, decodeAuditRow, type RawAuditRow } from '../audit-entry.js'
import { checkLimit, pageBound } from '../paging.js'
import { auditColumns } from '../sql/columns.js'
import type { AuditRow, AuditStore, NewAuditEntry } from '../types.js'
import type { SqliteRunner } from './runner.js'

/**
 * A synchronous audit insert, for use inside other stores' transactions. The names are snapshotted
 * by subqueries in the same statement, so an entry always names who and whom as they were then.
 */
export function prepareAuditInsert(db: Database): (entry: NewAuditEntry) => AuditRow {
  const insert = db.prepare<[AuditParams], RawAuditRow>(
    `INSERT INTO audit_log (actor_id, actor_name, action, target_user_id, target_name, target_post_id, reason, details, created_at)
     VALUES (@actorId, (SELECT username FROM users WHERE id = @actorId), @action, @targetUserId,
       (SELECT username FROM users WHERE id = @targetUserId), @targetPostId, @reason, @details, @createdAt)
     RETURNING ${auditColumns}`,
  )
  return (entry) => decodeAuditRow(insert.get(auditParams(entry))!)
}

export function createSqliteAuditStore(db: Database, run: SqliteRunner): AuditStore {
  const record = prepareAuditInsert(db)
  const page = db.prepare<[number, number], RawAuditRow>(
    `SELECT ${auditColumns} FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`,
  )
  return {
    record: (entry) => run.write(() => record(entry)),
    list: (request) => run(() => page.all(pageBound(request), checkLimit(request.limit)).map(decodeAuditRow)),
  }
}
