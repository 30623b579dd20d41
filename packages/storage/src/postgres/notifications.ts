import { checkLimit, pageBound } from '../paging.js'
import { insertNotification, selectNotificationsFrom } from '../sql/notifications.js'
import type { NotificationPreferences, NotificationRow, NotificationStore } from '../types.js'
import type { PgDb } from './client.js'
import { notFound } from './errors.js'

const insert = insertNotification({
  recipient: '$1::bigint',
  kind: '$2::text',
  actor: '$3::bigint',
  post: '$4::bigint',
  excerpt: '$5::text',
  createdAt: '$6::bigint',
  on: 'TRUE',
})

export function createPostgresNotificationStore(db: PgDb): NotificationStore {
  return {
    async create(n) {
      const rows = await db.query<NotificationRow>(
        `WITH inserted AS (${insert} RETURNING *) ${selectNotificationsFrom('inserted')}`,
        [n.recipientId, n.kind, n.actorId, n.postId, n.excerpt, n.createdAt],
      )
      return rows[0] ?? null
    },
    // async: a bad page limit rejects like a query error instead of throwing at the call.
    list: async (recipientId, request) =>
      db.query<NotificationRow>(
        `${selectNotificationsFrom('notifications')} WHERE n.recipient_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3`,
        [recipientId, pageBound(request), checkLimit(request.limit)],
      ),
    listAfter: async (afterId, limit) =>
      db.query<NotificationRow>(`${selectNotificationsFrom('notifications')} WHERE n.id > $1 ORDER BY n.id LIMIT $2`, [
        afterId,
        checkLimit(limit),
      ]),
    async latestId() {
      const [row] = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM notifications')
      return row?.id ?? 0
    },
    async countUnread(recipientId) {
      const [row] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL',
        [recipientId],
      )
      return row?.n ?? 0
    },
    markAllRead: (recipientId, now, upToId = Number.MAX_SAFE_INTEGER) =>
      db.execute('UPDATE notifications SET read_at = $1 WHERE recipient_id = $2 AND read_at IS NULL AND id <= $3', [
        now,
        recipientId,
        upToId,
      ]),
    async getPreferences(userId) {
      const [row] = await db.query<NotificationPreferences>(
        'SELECT mention, reply FROM notification_preferences WHERE user_id = $1',
        [userId],
      )
      return row ? { mention: row.mention, reply: row.reply } : { mention: true, reply: true }
    },
    async setPreferences(userId, chosen) {
      const rows = await db.query(
        `INSERT INTO notification_preferences (user_id, mention, reply)
         SELECT id, $2, $3 FROM users WHERE id = $1
         ON CONFLICT (user_id) DO UPDATE SET mention = excluded.mention, reply = excluded.reply
         RETURNING user_id`,
        [userId, chosen.mention, chosen.reply],
      )
      if (rows.length === 0) throw notFound(`user ${userId}`)
    },
  }
}
