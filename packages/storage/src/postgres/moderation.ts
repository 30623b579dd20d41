import { auditEntry, postDeletedEntry } from '../audit-entry.js'
import { selectPosts } from '../sql/columns.js'
import type { ModerationStore, PostRow, Role } from '../types.js'
import { insertAudit } from './audit.js'
import type { PgDb, Queryable } from './client.js'
import { notFound } from './errors.js'
import { removePostKeepingThread } from './post-removal.js'

/**
 * Each change and its audit entry in one transaction; the user's row is locked (FOR UPDATE) first, so
 * concurrent moderators of one account take turns and each entry records what really changed.
 */
export function createPostgresModerationStore(db: PgDb): ModerationStore {
  async function lockUser(tx: Queryable, userId: number) {
    const [state] = await tx.query<{ role: Role; suspendedUntil: number | null }>(
      'SELECT role, suspended_until AS "suspendedUntil" FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    )
    if (!state) throw notFound(`user ${userId}`)
    return state
  }

  async function endAllSessions(tx: Queryable, userId: number): Promise<string[]> {
    const rows = await tx.query<{ tokenHash: string }>(
      'DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash AS "tokenHash"',
      [userId],
    )
    return rows.map((row) => row.tokenHash)
  }

  return {
    setRole: (userId, role, audit) =>
      db.transaction(async (tx) => {
        if ((await lockUser(tx, userId)).role === role) return false
        await tx.execute('UPDATE users SET role = $1 WHERE id = $2', [role, userId])
        await insertAudit(tx, auditEntry(role === 'admin' ? 'user.promote' : 'user.demote', audit, { userId }))
        return true
      }),
    suspend: (userId, until, audit) =>
      db.transaction(async (tx) => {
        await lockUser(tx, userId)
        await tx.execute('UPDATE users SET suspended_until = $1 WHERE id = $2', [until, userId])
        const ended = await endAllSessions(tx, userId)
        await insertAudit(
          tx,
          auditEntry('user.suspend', audit, { userId, details: { until, endedSessions: ended.length } }),
        )
        return ended
      }),
    unsuspend: (userId, audit) =>
      db.transaction(async (tx) => {
        const { suspendedUntil } = await lockUser(tx, userId)
        if (suspendedUntil === null) return false
        await tx.execute('UPDATE users SET suspended_until = NULL WHERE id = $1', [userId])
        if (suspendedUntil <= audit.at) return false // it had run out: tidy up, nothing to record
        await insertAudit(tx, auditEntry('user.unsuspend', audit, { userId, details: { until: suspendedUntil } }))
        return true
      }),
    resetPassword: (userId, passwordHash, audit) =>
      db.transaction(async (tx) => {
        await lockUser(tx, userId)
        await tx.execute('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId])
        const ended = await endAllSessions(tx, userId)
        await tx.execute('DELETE FROM login_failures WHERE user_id = $1', [userId])
        await insertAudit(
          tx,
          auditEntry('user.reset_password', audit, { userId, details: { endedSessions: ended.length } }),
        )
        return ended
      }),
    deletePost: (postId, audit) =>
      db.transaction(async (tx) => {
        const [post] = await tx.query<PostRow>(`${selectPosts} WHERE p.id = $1`, [postId])
        if (!post) return null
        // A post with replies stays as a placeholder; a reply's post keeps its count right.
        if ((await removePostKeepingThread(tx, postId, audit.at)) === 'none') return null
        await insertAudit(tx, postDeletedEntry(post, audit))
        return post
      }),
    resolveReport: (reportId, audit) =>
      db.transaction(async (tx) => {
        const [resolved] = await tx.query<{ postId: number; authorId: number | null }>(
          `UPDATE post_reports r SET resolved_at = $1, resolved_by = $2 FROM posts p
           WHERE r.id = $3 AND r.resolved_at IS NULL AND p.id = r.post_id
           RETURNING r.post_id AS "postId", p.author_id AS "authorId"`,
          [audit.at, audit.actorId, reportId],
        )
        if (!resolved) return false
        await insertAudit(
          tx,
          auditEntry('report.resolve', audit, {
            userId: resolved.authorId,
            postId: resolved.postId,
            details: { reportId },
          }),
        )
        return true
      }),
  }
}
