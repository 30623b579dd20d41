import { attachmentColumns } from '../sql/attachments.js'
import type { PostAttachmentRow, PostAttachmentStore } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresAttachmentStore(db: PgDb): PostAttachmentStore {
  return {
    async attach(attachment) {
      const [row] = await db.query<PostAttachmentRow>(
        `INSERT INTO post_attachments (post_id, media_name, kind, alt, width, height) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (post_id) DO UPDATE SET media_name = excluded.media_name, kind = excluded.kind,
           alt = excluded.alt, width = excluded.width, height = excluded.height
         RETURNING ${attachmentColumns}`,
        [attachment.postId, attachment.mediaName, attachment.kind, attachment.alt, attachment.width, attachment.height],
      )
      return row!
    },
    forPosts: (ids) =>
      ids.length === 0
        ? Promise.resolve([])
        : db.query<PostAttachmentRow>(`SELECT ${attachmentColumns} FROM post_attachments WHERE post_id = ANY($1)`, [
            [...ids],
          ]),
    async detach(postId) {
      const rows = await db.query('DELETE FROM post_attachments WHERE post_id = $1 RETURNING post_id', [postId])
      return rows.length > 0
    },
    async detachMedia(mediaName) {
      const rows = await db.query<{ postId: number }>(
        'DELETE FROM post_attachments WHERE media_name = $1 RETURNING post_id AS "postId"',
        [mediaName],
      )
      return rows.map((row) => row.postId)
    },
  }
}
