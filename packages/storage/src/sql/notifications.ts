/**
 * Notification rows in portable SQL (SQLite and PostgreSQL alike), aliased to `NotificationRow`'s
 * names; the rules of `NotificationStore.create` are written once here, with the dialect's
 * parameter names passed in.
 * @module
 */

/** `source` is the notifications table or a CTE with its columns (PostgreSQL's `INSERT … RETURNING *`). */
export function selectNotificationsFrom(source: string): string {
  return `SELECT n.id, n.recipient_id AS "recipientId", n.kind, n.actor_id AS "actorId", u.username AS "actorName",
  n.post_id AS "postId", coalesce(p.parent_id, p.id) AS "threadId", n.excerpt, n.created_at AS "createdAt",
  n.read_at AS "readAt"
  FROM ${source} n JOIN posts p ON p.id = n.post_id LEFT JOIN users u ON u.id = n.actor_id`
}

export interface CreateParams {
  recipient: string
  kind: string
  actor: string
  post: string
  excerpt: string
  createdAt: string
  /** The dialect's true value for a preference column (`1` in SQLite, `TRUE` in PostgreSQL). */
  on: string
}

/**
 * One statement: inserts only when the recipient is someone else, exists, does not block the actor,
 * and has this kind of event on (no preferences row: on); a second notification of the same post is a no-op.
 */
export function insertNotification(p: CreateParams): string {
  return `INSERT INTO notifications (recipient_id, kind, actor_id, post_id, excerpt, created_at)
  SELECT ${p.recipient}, ${p.kind}, ${p.actor}, ${p.post}, ${p.excerpt}, ${p.createdAt}
  WHERE ${p.recipient} <> ${p.actor}
    AND EXISTS (SELECT 1 FROM users WHERE id = ${p.recipient})
    AND EXISTS (SELECT 1 FROM users WHERE id = ${p.actor})
    AND EXISTS (SELECT 1 FROM posts WHERE id = ${p.post})
    AND NOT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ${p.recipient} AND blocked_id = ${p.actor})
    AND coalesce((SELECT CASE ${p.kind} WHEN 'mention' THEN mention ELSE reply END
                  FROM notification_preferences WHERE user_id = ${p.recipient}), ${p.on}) = ${p.on}
  ON CONFLICT (recipient_id, post_id) DO NOTHING`
}
