/**
 * `/admin/reports`: open reports grouped by post (newest report first), each group with the post,
 * who reported it and why, and two ways out: delete the post (with a reason) or dismiss the reports.
 * @module
 */
import { type Auth, MAX_REASON_LENGTH } from '@parley/auth'
import { MAX_PAGE_LIMIT, type PostReportRow, type Storage } from '@parley/storage'
import { type Static, Type } from 'typebox'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import { requireAdmin } from '../plugins/session.js'
import { adminNav } from './admin-view.js'
import type { FieldErrors } from './forms.js'
import { Reason, reasonError } from './moderation.js'

export interface AdminReportsOptions {
  auth: Auth
  storage: Storage
}

/** Reports dismissed together: the ids the admin saw on the page, so a newer report stays open. */
const MAX_IDS = 100
const ResolveBody = Type.Object({
  reports: Type.String({ pattern: `^\\d{1,15}(,\\d{1,15}){0,${MAX_IDS - 1}}$` }),
  reason: Reason,
  _csrf: Type.Optional(Type.String()),
})
const ReportsQuery = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('resolved'), Type.Literal('deleted')])),
  count: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_IDS })),
})
type ReportsQuery = Static<typeof ReportsQuery>

export interface ReportGroup {
  postId: number
  postBody: string
  postAuthorName: string
  reportIds: string
  reports: { reporterName: string; reason: string | null; createdAtIso: string; createdAtText: string }[]
}

/** Reports of the same post together, in the order their newest report arrived. */
export function groupByPost(reports: readonly PostReportRow[]): ReportGroup[] {
  const groups = new Map<number, ReportGroup & { ids: number[] }>()
  for (const report of reports) {
    let group = groups.get(report.postId)
    if (!group) {
      group = {
        postId: report.postId,
        postBody: report.postBody,
        postAuthorName: report.postAuthorName ?? DELETED_AUTHOR,
        reportIds: '',
        reports: [],
        ids: [],
      }
      groups.set(report.postId, group)
    }
    group.ids.push(report.id)
    group.reports.push({
      reporterName: report.reporterName ?? DELETED_AUTHOR,
      reason: report.reason,
      createdAtIso: new Date(report.createdAt).toISOString(),
      createdAtText: formatTime(report.createdAt),
    })
  }
  return [...groups.values()].map(({ ids, ...group }) => ({ ...group, reportIds: ids.slice(0, MAX_IDS).join(',') }))
}

function noticeOf(query: ReportsQuery): string | null {
  if (query.done === 'deleted') return 'The post is deleted; its reports went with it.'
  if (query.done === 'resolved') {
    const count = query.count ?? 0
    return `${count === 1 ? '1 report' : `${count} reports`} dismissed.`
  }
  return null
}

export const adminReportsRoutes: BoardPlugin<AdminReportsOptions> = async (app, { auth, storage }) => {
  async function renderReports(
    request: AnyRequest,
    reply: AnyReply,
    page: { notice: string | null; errors: FieldErrors; failedPostId: number | null },
    status = 200,
  ) {
    const admin = requireAdmin(request)
    const reports = await auth.listOpenReports(admin.id, { limit: MAX_PAGE_LIMIT })
    return reply.code(status).view('admin-reports', {
      title: 'Reports',
      nav: await adminNav(storage),
      groups: groupByPost(reports),
      maxReason: MAX_REASON_LENGTH,
      ...page,
    })
  }

  app.get('/admin/reports', { schema: { querystring: ReportsQuery } }, async (request, reply) =>
    renderReports(request, reply, { notice: noticeOf(request.query), errors: {}, failedPostId: null }),
  )

  app.post(
    '/admin/reports/resolve',
    { schema: { body: ResolveBody }, attachValidation: true },
    async (request, reply) => {
      const admin = requireAdmin(request)
      if (request.validationError) {
        return renderReports(
          request,
          reply,
          { notice: null, errors: { form: 'Choose the reports to dismiss.' }, failedPostId: null },
          400,
        )
      }
      const ids = [...new Set(request.body.reports.split(',').map(Number))]
      let resolved = 0
      try {
        for (const id of ids) if (await auth.resolveReport(admin.id, id, request.body.reason)) resolved++
      } catch (error) {
        const errors = reasonError(error)
        if (!errors) throw error
        const first = await storage.reports.get(ids[0]!)
        return renderReports(request, reply, { notice: null, errors, failedPostId: first?.postId ?? null }, 400)
      }
      request.log.info({ reports: ids.length, resolved }, 'reports dismissed')
      return reply.redirect(`/admin/reports?done=resolved&count=${resolved}`, 303)
    },
  )
}
