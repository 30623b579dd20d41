import type { Queryable } from './client.js'

/** What deleting a post did: nothing (no such post), removed its row, or left a "deleted post" placeholder. */
export type PostRemoval = 'none' | 'removed' | 'placeholder'

/**
 * Deletes a post keeping its thread right, inside the caller's transaction (posts.ts and moderation.ts
 * share it). A reply's parent row is locked before the reply, the order a new reply takes too (it locks
 * the parent by updating its count, then checks its quote), so the two cannot deadlock, and no reply
 * slips under a post being removed.
 * A reply goes and its post's count and latest activity follow (a placeholder whose last reply went goes
 * too); a top-level post with replies becomes a placeholder: empty body, no author, no reports or
 * attachment left to show; one without replies goes.
 */
export async function removePostKeepingThread(tx: Queryable, id: number, at: number): Promise<PostRemoval> {
  // A post's parent never changes, so it can be read before any lock is taken.
  const [found] = await tx.query<{ parentId: number | null }>(
    'SELECT parent_id AS "parentId" FROM posts WHERE id = $1',
    [id],
  )
  if (!found) return 'none'
  if (found.parentId !== null) {
    await tx.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [found.parentId])
    if ((await tx.execute('DELETE FROM posts WHERE id = $1', [id])) === 0) return 'none'
    const [parent] = await tx.query<{ replyCount: number; deletedAt: number | null }>(
      `UPDATE posts SET reply_count = reply_count - 1,
         last_activity_at = coalesce((SELECT max(r.created_at) FROM posts r WHERE r.parent_id = $1), created_at)
       WHERE id = $1 AND reply_count > 0
       RETURNING reply_count AS "replyCount", deleted_at AS "deletedAt"`,
      [found.parentId],
    )
    if (parent && parent.deletedAt !== null && parent.replyCount === 0) {
      await tx.execute('DELETE FROM posts WHERE id = $1', [found.parentId])
    }
    return 'removed'
  }
  const [post] = await tx.query<{ replyCount: number; deletedAt: number | null }>(
    'SELECT reply_count AS "replyCount", deleted_at AS "deletedAt" FROM posts WHERE id = $1 FOR UPDATE',
    [id],
  )
  if (!post) return 'none'
  if (post.replyCount > 0) {
    if (post.deletedAt !== null) return 'none'
    await tx.execute(`UPDATE posts SET body = '', author_id = NULL, deleted_at = $1 WHERE id = $2`, [at, id])
    await tx.execute('DELETE FROM post_reports WHERE post_id = $1', [id])
    await tx.execute('DELETE FROM post_attachments WHERE post_id = $1', [id])
    return 'placeholder'
  }
  await tx.execute('DELETE FROM posts WHERE id = $1', [id])
  return 'removed'
}
