import { auditParams, decodeAuditRow, type RawAuditRow } from '../audit-entry.js'
import { checkLimit, pageBound } from '../paging.js'
import { auditColumns } from '../sql/columns.js'
import type { AuditRow, AuditStore, NewAuditEntry } from '../types.js'
import type { PgDb, Queryable } from './client.js'

/**
 * Appends an entry on `db` (the pool, or a transaction of another store). The names are snapshotted
 * by subqueries in the same statement, so an entry always names who and whom as they were then.
 */
export async function insertAudit(db: Queryable, entry: NewAuditEntry): Promise<AuditRow> {
  const p = auditParams(entry)
  const [row] = await db.query<RawAuditRow>(
    `INSERT INTO audit_log (actor_id, actor_name, action, target_user_id, target_name, target_post_id, reason, details, created_at)
     VALUES ($1, (SELECT username FROM users WHERE id = $1), $2, $3, (SELECT username FROM users WHERE id = $3), $4, $5, $6, $7)
     RETURNING ${auditColumns}`,
    [p.actorId, p.action, p.targetUserId, p.targetPostId, p.reason, p.details, p.createdAt],
  )
  return decodeAuditRow(row!)
}

export function createPostgresAuditStore(db: PgDb): AuditStore {
  return {
    record: (entry) => insertAudit(db, entry),
    async list(request) {
      const rows = await db.query<RawAuditRow>(
        `SELECT ${auditColumns} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2`,
        [pageBound(request), checkLimit(request.limit)],
      )
      return rows.map(decodeAuditRow)
    },
  }
}
