import type { Database } from 'better-sqlite3'
import { attachmentColumns } from '../sql/attachments.js'
import type { PostAttachmentRow, PostAttachmentStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

/** SQLite limits bound parameters per statement (32766 by default); a page of posts is far below. */
const MAX_IDS_PER_QUERY = 500

export function createSqliteAttachmentStore(db: Database, run: SqliteRunner): PostAttachmentStore {
  const upsert = db.prepare<[PostAttachmentRow]>(
    `INSERT INTO post_attachments (post_id, media_name, kind, alt, width, height)
     VALUES (@postId, @mediaName, @kind, @alt, @width, @height)
     ON CONFLICT (post_id) DO UPDATE SET media_name = excluded.media_name, kind = excluded.kind,
       alt = excluded.alt, width = excluded.width, height = excluded.height`,
  )
  const byPost = db.prepare<[number], PostAttachmentRow>(
    `SELECT ${attachmentColumns} FROM post_attachments WHERE post_id = ?`,
  )
  const removeOne = db.prepare<[number]>('DELETE FROM post_attachments WHERE post_id = ?')
  const removeMedia = db.prepare<[string], { postId: number }>(
    'DELETE FROM post_attachments WHERE media_name = ? RETURNING post_id AS "postId"',
  )

  function forPosts(ids: readonly number[]): PostAttachmentRow[] {
    const rows: PostAttachmentRow[] = []
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + MAX_IDS_PER_QUERY)
      const placeholders = chunk.map(() => '?').join(', ')
      rows.push(
        ...db
          .prepare<number[], PostAttachmentRow>(
            `SELECT ${attachmentColumns} FROM post_attachments WHERE post_id IN (${placeholders})`,
          )
          .all(...chunk),
      )
    }
    return rows
  }

  return {
    attach: (attachment) =>
      run.write(() => {
        upsert.run(attachment)
        return byPost.get(attachment.postId)!
      }),
    forPosts: (ids) => run(() => (ids.length === 0 ? [] : forPosts(ids))),
    detach: (postId) => run.write(() => removeOne.run(postId).changes > 0),
    detachMedia: (mediaName) => run.write(() => removeMedia.all(mediaName).map((row) => row.postId)),
  }
}
