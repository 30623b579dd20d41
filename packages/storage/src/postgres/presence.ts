import type { PresenceStore } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresPresenceStore(db: PgDb): PresenceStore {
  return {
    async openPresence(userId, instanceId, at) {
      const [row] = await db.query<{ id: number }>(
        'INSERT INTO presence (user_id, instance_id, login_at) VALUES ($1, $2, $3) RETURNING id',
        [userId, instanceId, at],
      )
      return row!.id
    },
    async closePresence(id, at) {
      await db.execute('UPDATE presence SET logout_at = GREATEST(login_at, $1) WHERE id = $2 AND logout_at IS NULL', [
        at,
        id,
      ])
    },
    async closeInstancePresence(instanceId, at) {
      await db.execute(
        'UPDATE presence SET logout_at = GREATEST(login_at, $1) WHERE instance_id = $2 AND logout_at IS NULL',
        [at, instanceId],
      )
    },
    async usersOnlineSince(since, limit) {
      // LIMIT NULL: no limit in PostgreSQL.
      const rows = await db.query<{ id: number }>(
        'SELECT DISTINCT user_id AS id FROM presence WHERE logout_at IS NULL OR logout_at >= $1 ORDER BY user_id LIMIT $2',
        [since, limit ?? null],
      )
      return rows.map((row) => row.id)
    },
    async prunePresence(before) {
      return db.execute('DELETE FROM presence WHERE logout_at IS NOT NULL AND logout_at < $1', [before])
    },
  }
}
