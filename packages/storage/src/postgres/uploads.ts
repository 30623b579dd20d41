import { selectUploadsFrom } from '../sql/columns.js'
import type { MediaUploadRow, MediaUploadStore } from '../types.js'
import { insertAudit } from './audit.js'
import type { PgDb } from './client.js'

export function createPostgresUploadStore(db: PgDb): MediaUploadStore {
  return {
    async record(upload) {
      const [row] = await db.query<MediaUploadRow>(
        `WITH added AS (INSERT INTO media_uploads (name, uploader_id, size, created_at) VALUES ($1, $2, $3, $4)
         RETURNING *) ${selectUploadsFrom('added')}`,
        [upload.name, upload.uploaderId, upload.size, upload.createdAt],
      )
      return row!
    },
    async get(name) {
      const [row] = await db.query<MediaUploadRow>(`${selectUploadsFrom('media_uploads')} WHERE m.name = $1`, [name])
      return row ?? null
    },
    list: () => db.query<MediaUploadRow>(`${selectUploadsFrom('media_uploads')} ORDER BY m.name`),
    async usage(uploaderId, since) {
      const [row] = await db.query<{ bytes: number; recent: number }>(
        `SELECT coalesce(sum(size), 0)::bigint AS bytes, count(*) FILTER (WHERE created_at >= $1)::bigint AS recent
         FROM media_uploads WHERE uploader_id = $2`,
        [since, uploaderId],
      )
      return { bytes: Number(row?.bytes ?? 0), recent: Number(row?.recent ?? 0) }
    },
    remove: (name, audit) =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<MediaUploadRow>(
          `WITH removed AS (DELETE FROM media_uploads WHERE name = $1 RETURNING *) ${selectUploadsFrom('removed')}`,
          [name],
        )
        if (!row) return null
        await insertAudit(tx, {
          actorId: audit.actorId,
          action: 'media.delete',
          targetUserId: row.uploaderId,
          reason: audit.reason,
          details: { name: row.name, size: row.size },
          createdAt: audit.at,
        })
        return row
      }),
  }
}
