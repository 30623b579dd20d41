import { StorageError, StorageErrorCode } from '../errors.js'
import { checkLimit, pageBound } from '../paging.js'
import { selectReports, selectReportsFrom } from '../sql/columns.js'
import type { PostReportRow, ReportStore, StoredReport } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresReportStore(db: PgDb): ReportStore {
  async function byId(id: number): Promise<PostReportRow | null> {
    const [row] = await db.query<PostReportRow>(`${selectReports} WHERE r.id = $1`, [id])
    return row ?? null
  }

  return {
    async create(report): Promise<StoredReport> {
      // As with message resends: a concurrent identical report makes ON CONFLICT wait for it to
      // commit and do nothing; the following read (a new snapshot) sees that open report.
      for (let tries = 0; tries < 3; tries++) {
        const [inserted] = await db.query<PostReportRow>(
          `WITH inserted AS (
             INSERT INTO post_reports (post_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (post_id, reporter_id) WHERE resolved_at IS NULL DO NOTHING RETURNING *
           ) ${selectReportsFrom('inserted')}`,
          [report.postId, report.reporterId, report.reason, report.createdAt],
        )
        if (inserted) return { report: inserted, duplicate: false }
        const [open] = await db.query<PostReportRow>(
          `${selectReports} WHERE r.post_id = $1 AND r.reporter_id = $2 AND r.resolved_at IS NULL`,
          [report.postId, report.reporterId],
        )
        if (open) return { report: open, duplicate: true }
        // The open report was resolved (or its post deleted) in between: try to file it again.
      }
      throw new StorageError(StorageErrorCode.Conflict, 'report kept conflicting with a vanishing copy')
    },
    get: byId,
    listOpen: async (request) =>
      db.query<PostReportRow>(
        `${selectReports} WHERE r.resolved_at IS NULL AND r.id < $1 ORDER BY r.id DESC LIMIT $2`,
        [pageBound(request), checkLimit(request.limit)],
      ),
    async countOpen() {
      const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM post_reports WHERE resolved_at IS NULL')
      return row?.n ?? 0
    },
  }
}
