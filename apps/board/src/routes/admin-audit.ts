/**
 * `/admin/audit`: the moderation audit log, newest first, 50 a page (`?before=<id>`): who did what
 * to whom, when and why. Entries outlive the accounts they name (names are snapshots).
 * @module
 */
import { type Auth, SUSPENDED_FOR_GOOD } from '@parley/auth'
import type { AuditRow, Storage } from '@parley/storage'
import { Type } from 'typebox'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'
import type { BoardPlugin } from '../http/types.js'
import { requireAdmin } from '../plugins/session.js'
import { adminNav } from './admin-view.js'

export interface AdminAuditOptions {
  auth: Auth
  storage: Storage
}

export const AUDIT_PAGE_SIZE = 50

const AuditQuery = Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })) })

export interface AuditEntryView {
  id: number
  createdAtIso: string
  createdAtText: string
  /** The admin's name, or "command line" for `pnpm parley`. */
  actor: string
  fromCommandLine: boolean
  action: string
  /** Whom or what it concerned, in words. */
  target: string
  /** Extra facts: the end of a suspension, the start of a deleted post. */
  detail: string | null
  reason: string | null
}

function suspensionEnd(until: unknown): string {
  if (typeof until !== 'number') return ''
  return until >= SUSPENDED_FOR_GOOD ? 'for good' : `until ${formatTime(until)}`
}

function describe(row: AuditRow): { action: string; detail: string | null } {
  const details = row.details ?? {}
  switch (row.action) {
    case 'user.promote':
      return { action: 'made admin', detail: null }
    case 'user.demote':
      return { action: 'made member', detail: null }
    case 'user.suspend':
      return { action: `suspended ${suspensionEnd(details.until)}`.trim(), detail: null }
    case 'user.unsuspend':
      return { action: 'lifted the suspension', detail: null }
    case 'user.reset_password':
      return { action: 'reset the password', detail: null }
    case 'post.delete': {
      const excerpt = typeof details.excerpt === 'string' ? details.excerpt : null
      return { action: 'deleted a post', detail: excerpt && `“${excerpt}${details.truncated ? '…' : ''}”` }
    }
    case 'report.resolve':
      return { action: 'dismissed a report', detail: null }
    default:
      // Stored as text: an action added later is shown as it is.
      return { action: String(row.action), detail: null }
  }
}

function targetOf(row: AuditRow): string {
  const user = row.targetName ?? (row.targetUserId === null && row.targetPostId !== null ? DELETED_AUTHOR : null)
  if (row.targetPostId !== null) return user ? `post #${row.targetPostId} by ${user}` : `post #${row.targetPostId}`
  return user ?? '—'
}

export function presentAuditEntry(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    createdAtIso: new Date(row.createdAt).toISOString(),
    createdAtText: formatTime(row.createdAt),
    actor: row.actorName ?? 'command line',
    fromCommandLine: row.actorName === null,
    ...describe(row),
    target: targetOf(row),
    reason: row.reason,
  }
}

export const adminAuditRoutes: BoardPlugin<AdminAuditOptions> = async (app, { auth, storage }) => {
  app.get('/admin/audit', { schema: { querystring: AuditQuery } }, async (request, reply) => {
    const admin = requireAdmin(request)
    const before = request.query.before
    const rows = await auth.auditLog(admin.id, { before, limit: AUDIT_PAGE_SIZE + 1 })
    const page = rows.slice(0, AUDIT_PAGE_SIZE)
    return reply.view('admin-audit', {
      title: 'Audit log',
      nav: await adminNav(storage),
      entries: page.map(presentAuditEntry),
      isFirstPage: before === undefined,
      olderCursor: rows.length > AUDIT_PAGE_SIZE ? (page.at(-1)?.id ?? null) : null,
    })
  })
}
