import type { BlockStore } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresBlockStore(db: PgDb): BlockStore {
  async function ids(sql: string, userId: number): Promise<number[]> {
    return (await db.query<{ id: number }>(sql, [userId])).map((row) => row.id)
  }

  return {
    block: async (blockerId, blockedId) =>
      (await db.execute('INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        blockerId,
        blockedId,
      ])) > 0,
    unblock: async (blockerId, blockedId) =>
      (await db.execute('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId])) > 0,
    blockedBy: (blockerId) =>
      ids('SELECT blocked_id AS id FROM blocks WHERE blocker_id = $1 ORDER BY blocked_id', blockerId),
    blockersOf: (userId) =>
      ids('SELECT blocker_id AS id FROM blocks WHERE blocked_id = $1 ORDER BY blocker_id', userId),
    async eitherBlocked(a, b) {
      const rows = await db.query(
        `SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1) LIMIT 1`,
        [a, b],
      )
      return rows.length > 0
    },
  }
}
