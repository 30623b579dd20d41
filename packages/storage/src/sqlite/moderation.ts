import type { Database } from 'better-sqlite3'
import { auditEntry, postDeletedEntry } from '../audit-entry.js'
import { selectPosts } from '../sql/columns.js'
import type { AuditContext, ModerationStore, PostRow, Role } from '../types.js'
import { prepareAuditInsert } from './audit.js'
import { notFound } from './errors.js'
import { prepareSqlitePostRemoval } from './post-removal.js'
import type { SqliteRunner } from './runner.js'

/** Each change and its audit entry in one IMMEDIATE transaction: an unknown actor rolls the change back too. */
export function createSqliteModerationStore(db: Database, run: SqliteRunner): ModerationStore {
  const record = prepareAuditInsert(db)
  const userState = db.prepare<[number], { role: Role; suspendedUntil: number | null }>(
    'SELECT role, suspended_until AS "suspendedUntil" FROM users WHERE id = ?',
  )
  const setRole = db.prepare<[Role, number]>('UPDATE users SET role = ? WHERE id = ?')
  const setSuspension = db.prepare<[number | null, number]>('UPDATE users SET suspended_until = ? WHERE id = ?')
  const setHash = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?')
  const endSessions = db.prepare<[number], { tokenHash: string }>(
    'DELETE FROM sessions WHERE user_id = ? RETURNING token_hash AS "tokenHash"',
  )
  const clearFailures = db.prepare<[number]>('DELETE FROM login_failures WHERE user_id = ?')
  const postById = db.prepare<[number], PostRow>(`${selectPosts} WHERE p.id = ?`)
  // A post with replies stays as a placeholder; a reply's post keeps its count right.
  const removePost = prepareSqlitePostRemoval(db)
  const resolve = db.prepare<[number, number | null, number], { postId: number; authorId: number | null }>(
    `UPDATE post_reports SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL
     RETURNING post_id AS "postId", (SELECT author_id FROM posts WHERE posts.id = post_reports.post_id) AS "authorId"`,
  )

  function mustExist(userId: number) {
    const state = userState.get(userId)
    if (!state) throw notFound(`user ${userId}`)
    return state
  }

  function endAllSessions(userId: number): string[] {
    return endSessions.all(userId).map((row) => row.tokenHash)
  }

  const changeRole = db.transaction((userId: number, role: Role, audit: AuditContext) => {
    if (mustExist(userId).role === role) return false
    setRole.run(role, userId)
    record(auditEntry(role === 'admin' ? 'user.promote' : 'user.demote', audit, { userId }))
    return true
  })
  const suspend = db.transaction((userId: number, until: number, audit: AuditContext) => {
    mustExist(userId)
    setSuspension.run(until, userId)
    const ended = endAllSessions(userId)
    record(auditEntry('user.suspend', audit, { userId, details: { until, endedSessions: ended.length } }))
    return ended
  })
  const unsuspend = db.transaction((userId: number, audit: AuditContext) => {
    const { suspendedUntil } = mustExist(userId)
    if (suspendedUntil === null) return false
    setSuspension.run(null, userId)
    if (suspendedUntil <= audit.at) return false // it had run out: tidy up, nothing to record
    record(auditEntry('user.unsuspend', audit, { userId, details: { until: suspendedUntil } }))
    return true
  })
  const resetPassword = db.transaction((userId: number, passwordHash: string, audit: AuditContext) => {
    mustExist(userId)
    setHash.run(passwordHash, userId)
    const ended = endAllSessions(userId)
    clearFailures.run(userId)
    record(auditEntry('user.reset_password', audit, { userId, details: { endedSessions: ended.length } }))
    return ended
  })
  const deletePost = db.transaction((postId: number, audit: AuditContext) => {
    const post = postById.get(postId)
    if (!post || removePost(postId, audit.at) === 'none') return null
    record(postDeletedEntry(post, audit))
    return post
  })
  const resolveReport = db.transaction((reportId: number, audit: AuditContext) => {
    const resolved = resolve.get(audit.at, audit.actorId, reportId)
    if (!resolved) return false
    record(
      auditEntry('report.resolve', audit, {
        userId: resolved.authorId,
        postId: resolved.postId,
        details: { reportId },
      }),
    )
    return true
  })

  return {
    setRole: (userId, role, audit) => run.write(() => changeRole(userId, role, audit)),
    suspend: (userId, until, audit) => run.write(() => suspend(userId, until, audit)),
    unsuspend: (userId, audit) => run.write(() => unsuspend(userId, audit)),
    resetPassword: (userId, passwordHash, audit) => run.write(() => resetPassword(userId, passwordHash, audit)),
    deletePost: (postId, audit) => run.write(() => deletePost(postId, audit)),
    resolveReport: (reportId, audit) => run.write(() => resolveReport(reportId, audit)),
  }
}
