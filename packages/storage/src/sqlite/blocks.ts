import type { Database } from 'better-sqlite3'
import type { BlockStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteBlockStore(db: Database, run: SqliteRunner): BlockStore {
  const insert = db.prepare<[number, number]>(
    'INSERT INTO blocks (blocker_id, blocked_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  )
  const remove = db.prepare<[number, number]>('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?')
  const blockedBy = db.prepare<[number], { id: number }>(
    'SELECT blocked_id AS id FROM blocks WHERE blocker_id = ? ORDER BY blocked_id',
  )
  const blockersOf = db.prepare<[number], { id: number }>(
    'SELECT blocker_id AS id FROM blocks WHERE blocked_id = ? ORDER BY blocker_id',
  )
  const either = db.prepare<[number, number, number, number], { found: number }>(
    `SELECT 1 AS found FROM blocks
     WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?) LIMIT 1`,
  )

  return {
    block: (blockerId, blockedId) => run.write(() => insert.run(blockerId, blockedId).changes > 0),
    unblock: (blockerId, blockedId) => run.write(() => remove.run(blockerId, blockedId).changes > 0),
    blockedBy: (blockerId) => run(() => blockedBy.all(blockerId).map((row) => row.id)),
    blockersOf: (userId) => run(() => blockersOf.all(userId).map((row) => row.id)),
    eitherBlocked: (a, b) => run(() => either.get(a, b, b, a) !== undefined),
  }
}
