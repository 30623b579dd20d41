/**
 * Column lists in portable SQL (SQLite and PostgreSQL alike), aliased to the row types' camelCase
 * names so both backends return the interface's rows without a mapping layer.
 * @module
 */

export const userColumns = `id, username, username_key AS "usernameKey", password_hash AS "passwordHash", role,
  created_at AS "createdAt", suspended_until AS "suspendedUntil"`

export const sessionColumns = `token_hash AS "tokenHash", user_id AS "userId", created_at AS "createdAt",
  last_seen_at AS "lastSeenAt", expires_at AS "expiresAt", user_agent AS "userAgent", ip`

/** `source` is the posts table or a CTE with its columns (e.g. PostgreSQL's `INSERT … RETURNING *`). */
export function selectPostsFrom(source: string): string {
  return `SELECT p.id, p.author_id AS "authorId", u.username AS "authorName", p.body,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"
  FROM ${source} p LEFT JOIN users u ON u.id = p.author_id`
}

export const selectPosts = selectPostsFrom('posts')

/** `source` is the messages table or a CTE with its columns. */
export function selectMessagesFrom(source: string): string {
  return `SELECT m.id, m.sender_id AS "senderId", s.username AS "senderName",
  m.recipient_id AS "recipientId", r.username AS "recipientName", m.client_id AS "clientId", m.body,
  m.created_at AS "createdAt", m.delivered_at AS "deliveredAt"
  FROM ${source} m LEFT JOIN users s ON s.id = m.sender_id LEFT JOIN users r ON r.id = m.recipient_id`
}

export const selectMessages = selectMessagesFrom('messages')

export const loginFailureColumns = `failures, pending, pending_at AS "pendingAt", locked_until AS "lockedUntil"`
