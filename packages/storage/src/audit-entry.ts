/**
 * The audit-log rules both backends share: how a moderation change becomes an entry, and how
 * `details` travels as JSON text (a portable TEXT column in SQLite and PostgreSQL alike).
 * @module
 */
import type { AuditAction, AuditContext, AuditDetails, AuditRow, NewAuditEntry, PostRow } from './types.js'

/** Characters of a deleted post kept in its audit entry, so admins can see what was removed. */
export const AUDIT_EXCERPT_LENGTH = 200

/** A row as selected with `auditColumns`, before `details` is parsed. */
export type RawAuditRow = Omit<AuditRow, 'details'> & { details: string | null }

export function encodeAuditDetails(details: AuditDetails | null | undefined): string | null {
  return details ? JSON.stringify(details) : null
}

export function decodeAuditRow(row: RawAuditRow): AuditRow {
  return { ...row, details: row.details === null ? null : (JSON.parse(row.details) as AuditDetails) }
}

export interface AuditParams {
  actorId: number | null
  action: string
  targetUserId: number | null
  targetPostId: number | null
  reason: string | null
  details: string | null
  createdAt: number
}

/** The values of an audit insert, optional fields filled with NULL and details encoded. */
export function auditParams(entry: NewAuditEntry): AuditParams {
  return {
    actorId: entry.actorId,
    action: entry.action,
    targetUserId: entry.targetUserId ?? null,
    targetPostId: entry.targetPostId ?? null,
    reason: entry.reason ?? null,
    details: encodeAuditDetails(entry.details),
    createdAt: entry.createdAt,
  }
}

export function auditEntry(
  action: AuditAction,
  audit: AuditContext,
  target: { userId?: number | null; postId?: number | null; details?: AuditDetails | null },
): NewAuditEntry {
  return {
    actorId: audit.actorId,
    action,
    targetUserId: target.userId ?? null,
    targetPostId: target.postId ?? null,
    reason: audit.reason,
    details: target.details ?? null,
    createdAt: audit.at,
  }
}

export function postDeletedEntry(post: PostRow, audit: AuditContext): NewAuditEntry {
  const excerpt = [...post.body].slice(0, AUDIT_EXCERPT_LENGTH).join('')
  return auditEntry('post.delete', audit, {
    userId: post.authorId,
    postId: post.id,
    details: { excerpt, truncated: excerpt.length < post.body.length },
  })
}
