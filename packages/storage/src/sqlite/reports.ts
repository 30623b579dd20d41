import type { Database } from 'better-sqlite3'
import { checkLimit, pageBound } from '../paging.js'
import { selectReports } from '../sql/columns.js'
import type { NewPostReport, PostReportRow, ReportStore, StoredReport } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteReportStore(db: Database, run: SqliteRunner): ReportStore {
  const insert = db.prepare<[NewPostReport], { id: number }>(
    `INSERT INTO post_reports (post_id, reporter_id, reason, created_at) VALUES (@postId, @reporterId, @reason, @createdAt)
     ON CONFLICT (post_id, reporter_id) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
  )
  const byId = db.prepare<[number], PostReportRow>(`${selectReports} WHERE r.id = ?`)
  const openOf = db.prepare<[number, number], PostReportRow>(
    `${selectReports} WHERE r.post_id = ? AND r.reporter_id = ? AND r.resolved_at IS NULL`,
  )
  const openPage = db.prepare<[number, number], PostReportRow>(
    `${selectReports} WHERE r.resolved_at IS NULL AND r.id < ? ORDER BY r.id DESC LIMIT ?`,
  )
  const countOpen = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM post_reports WHERE resolved_at IS NULL')

  const create = (report: NewPostReport): StoredReport => {
    const inserted = insert.get(report)
    if (inserted) return { report: byId.get(inserted.id)!, duplicate: false }
    return { report: openOf.get(report.postId, report.reporterId)!, duplicate: true }
  }

  return {
    create: (report) => run.write(() => create(report)),
    get: (id) => run(() => byId.get(id) ?? null),
    listOpen: (request) => run(() => openPage.all(pageBound(request), checkLimit(request.limit))),
    countOpen: () => run(() => countOpen.get()!.n),
  }
}
