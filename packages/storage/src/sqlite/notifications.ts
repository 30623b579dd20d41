import type { Database } from 'better-sqlite3'
import { checkLimit, pageBound } from '../paging.js'
import { insertNotification, selectNotificationsFrom } from '../sql/notifications.js'
import type { NewNotification, NotificationPreferences, NotificationRow, NotificationStore } from '../types.js'
import { notFound } from './errors.js'
import type { SqliteRunner } from './runner.js'

interface PreferencesRow {
  mention: number
  reply: number
}

export function createSqliteNotificationStore(db: Database, run: SqliteRunner): NotificationStore {
  const insert = db.prepare<[NewNotification], { id: number }>(
    `${insertNotification({
      recipient: '@recipientId',
      kind: '@kind',
      actor: '@actorId',
      post: '@postId',
      excerpt: '@excerpt',
      createdAt: '@createdAt',
      on: '1',
    })} RETURNING id`,
  )
  const byId = db.prepare<[number], NotificationRow>(`${selectNotificationsFrom('notifications')} WHERE n.id = ?`)
  const page = db.prepare<[number, number, number], NotificationRow>(
    `${selectNotificationsFrom('notifications')} WHERE n.recipient_id = ? AND n.id < ? ORDER BY n.id DESC LIMIT ?`,
  )
  const after = db.prepare<[number, number], NotificationRow>(
    `${selectNotificationsFrom('notifications')} WHERE n.id > ? ORDER BY n.id LIMIT ?`,
  )
  const latest = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM notifications')
  const unread = db.prepare<[number], { n: number }>(
    'SELECT count(*) AS n FROM notifications WHERE recipient_id = ? AND read_at IS NULL',
  )
  const markRead = db.prepare<[number, number, number]>(
    'UPDATE notifications SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL AND id <= ?',
  )
  const preferences = db.prepare<[number], PreferencesRow>(
    'SELECT mention, reply FROM notification_preferences WHERE user_id = ?',
  )
  const userExists = db.prepare<[number], { id: number }>('SELECT id FROM users WHERE id = ?')
  const upsertPreferences = db.prepare<[number, number, number]>(
    `INSERT INTO notification_preferences (user_id, mention, reply) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET mention = excluded.mention, reply = excluded.reply`,
  )

  return {
    create: (notification) =>
      run.write(() => {
        const inserted = insert.get(notification)
        return inserted ? (byId.get(inserted.id) ?? null) : null
      }),
    list: (recipientId, request) => run(() => page.all(recipientId, pageBound(request), checkLimit(request.limit))),
    listAfter: (afterId, limit) => run(() => after.all(afterId, checkLimit(limit))),
    latestId: () => run(() => latest.get()?.id ?? 0),
    countUnread: (recipientId) => run(() => unread.get(recipientId)?.n ?? 0),
    markAllRead: (recipientId, now, upToId = Number.MAX_SAFE_INTEGER) =>
      run.write(() => markRead.run(now, recipientId, upToId).changes),
    getPreferences: (userId) =>
      run((): NotificationPreferences => {
        const row = preferences.get(userId)
        return row ? { mention: row.mention === 1, reply: row.reply === 1 } : { mention: true, reply: true }
      }),
    setPreferences: (userId, chosen) =>
      run.write(() => {
        if (!userExists.get(userId)) throw notFound(`user ${userId}`)
        upsertPreferences.run(userId, chosen.mention ? 1 : 0, chosen.reply ? 1 : 0)
      }),
  }
}
