import type { Database } from 'better-sqlite3'
import { selectUploadsFrom } from '../sql/columns.js'
import type { AuditContext, MediaUploadRow, MediaUploadStore, NewMediaUpload } from '../types.js'
import { prepareAuditInsert } from './audit.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteUploadStore(db: Database, run: SqliteRunner): MediaUploadStore {
  const record = prepareAuditInsert(db)
  const insert = db.prepare<[NewMediaUpload]>(
    'INSERT INTO media_uploads (name, uploader_id, size, created_at) VALUES (@name, @uploaderId, @size, @createdAt)',
  )
  const byName = db.prepare<[string], MediaUploadRow>(`${selectUploadsFrom('media_uploads')} WHERE m.name = ?`)
  const all = db.prepare<[], MediaUploadRow>(`${selectUploadsFrom('media_uploads')} ORDER BY m.name`)
  const usage = db.prepare<[number, number], { bytes: number; recent: number }>(
    `SELECT coalesce(sum(size), 0) AS bytes, count(*) FILTER (WHERE created_at >= ?) AS recent
     FROM media_uploads WHERE uploader_id = ?`,
  )
  const removeRow = db.prepare<[string]>('DELETE FROM media_uploads WHERE name = ?')

  const remove = db.transaction((name: string, audit: AuditContext) => {
    const row = byName.get(name)
    if (!row) return null
    removeRow.run(name)
    record({
      actorId: audit.actorId,
      action: 'media.delete',
      targetUserId: row.uploaderId,
      reason: audit.reason,
      details: { name: row.name, size: row.size },
      createdAt: audit.at,
    })
    return row
  })

  return {
    record: (upload) =>
      run.write(() => {
        insert.run(upload)
        return byName.get(upload.name)!
      }),
    get: (name) => run(() => byName.get(name) ?? null),
    list: () => run(() => all.all()),
    usage: (uploaderId, since) => run(() => usage.get(since, uploaderId)!),
    remove: (name, audit) => run.write(() => remove(name, audit)),
  }
}
