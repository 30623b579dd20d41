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
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.parent_id AS "parentId", p.quote_id AS "quoteId",
  p.deleted_at AS "deletedAt", p.reply_count AS "replyCount", p.last_activity_at AS "lastActivityAt"
  FROM ${source} p LEFT JOIN users u ON u.id = p.author_id`
}

/** Replies with the reply each quotes (its author and text as they are now). */
export const selectReplies = `SELECT p.id, p.author_id AS "authorId", u.username AS "authorName", p.body,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.parent_id AS "parentId", p.quote_id AS "quoteId",
  p.deleted_at AS "deletedAt", p.reply_count AS "replyCount", p.last_activity_at AS "lastActivityAt",
  qu.username AS "quotedAuthorName", q.body AS "quotedBody"
  FROM posts p LEFT JOIN users u ON u.id = p.author_id
  LEFT JOIN posts q ON q.id = p.quote_id LEFT JOIN users qu ON qu.id = q.author_id`

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

/** `details` comes back as JSON text: `decodeAuditRow` turns it into an object. */
export const auditColumns = `id, actor_id AS "actorId", actor_name AS "actorName", action,
  target_user_id AS "targetUserId", target_name AS "targetName", target_post_id AS "targetPostId", reason, details,
  created_at AS "createdAt"`

/**
 * Reports with the reported post, its author, the reporter and the resolver as they are now.
 * `source` is the post_reports table or a CTE with its columns.
 */
export function selectReportsFrom(source: string): string {
  return `SELECT r.id, r.post_id AS "postId", p.body AS "postBody", p.author_id AS "postAuthorId",
  a.username AS "postAuthorName", r.reporter_id AS "reporterId", u.username AS "reporterName", r.reason,
  r.created_at AS "createdAt", r.resolved_at AS "resolvedAt", r.resolved_by AS "resolvedById",
  v.username AS "resolvedByName"
  FROM ${source} r JOIN posts p ON p.id = r.post_id LEFT JOIN users a ON a.id = p.author_id
  LEFT JOIN users u ON u.id = r.reporter_id LEFT JOIN users v ON v.id = r.resolved_by`
}

export const selectReports = selectReportsFrom('post_reports')

/** `source` is the media_uploads table or a CTE with its columns. */
export function selectUploadsFrom(source: string): string {
  return `SELECT m.name, m.uploader_id AS "uploaderId", u.username AS "uploaderName", m.size, m.created_at AS "createdAt"
  FROM ${source} m LEFT JOIN users u ON u.id = m.uploader_id`
}
