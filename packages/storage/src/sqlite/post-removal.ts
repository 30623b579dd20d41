import type { Database } from 'better-sqlite3'

/** What deleting a post did: nothing (no such post), removed its row, or left a "deleted post" placeholder. */
export type PostRemoval = 'none' | 'removed' | 'placeholder'

/**
 * Deletes a post keeping its thread right (posts.ts and moderation.ts share it; call it inside a write
 * transaction). A reply goes and its post's count and latest activity follow (a placeholder whose last
 * reply went goes too); a top-level post with replies becomes a placeholder: empty body, no author, no
 * reports or attachment left to show; one without replies goes.
 */
export function prepareSqlitePostRemoval(db: Database): (id: number, at: number) => PostRemoval {
  const find = db.prepare<[number], { parentId: number | null; replyCount: number; deletedAt: number | null }>(
    'SELECT parent_id AS "parentId", reply_count AS "replyCount", deleted_at AS "deletedAt" FROM posts WHERE id = ?',
  )
  const remove = db.prepare<[number]>('DELETE FROM posts WHERE id = ?')
  const recount = db.prepare<[number, number], { replyCount: number; deletedAt: number | null }>(
    `UPDATE posts SET reply_count = reply_count - 1,
       last_activity_at = coalesce((SELECT max(r.created_at) FROM posts r WHERE r.parent_id = ?), created_at)
     WHERE id = ? AND reply_count > 0
     RETURNING reply_count AS "replyCount", deleted_at AS "deletedAt"`,
  )
  const toPlaceholder = db.prepare<[number, number]>(
    `UPDATE posts SET body = '', author_id = NULL, deleted_at = ? WHERE id = ?`,
  )
  const dropReports = db.prepare<[number]>('DELETE FROM post_reports WHERE post_id = ?')
  const dropAttachment = db.prepare<[number]>('DELETE FROM post_attachments WHERE post_id = ?')

  return (id, at) => {
    const post = find.get(id)
    if (!post) return 'none'
    if (post.parentId !== null) {
      remove.run(id)
      const parent = recount.get(post.parentId, post.parentId)
      if (parent && parent.deletedAt !== null && parent.replyCount === 0) remove.run(post.parentId)
      return 'removed'
    }
    if (post.replyCount > 0) {
      if (post.deletedAt !== null) return 'none'
      toPlaceholder.run(at, id)
      dropReports.run(id)
      dropAttachment.run(id)
      return 'placeholder'
    }
    remove.run(id)
    return 'removed'
  }
}
