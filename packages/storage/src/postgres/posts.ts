import { checkLimit, pageBound } from '../paging.js'
import { selectPosts, selectPostsFrom, selectReplies } from '../sql/columns.js'
import type { PostRow, PostStore, ReplyRow } from '../types.js'
import type { PgDb } from './client.js'
import { notFound } from './errors.js'
import { removePostKeepingThread } from './post-removal.js'

export function createPostgresPostStore(db: PgDb): PostStore {
  return {
    async createPost(authorId, body, now) {
      const [row] = await db.query<PostRow>(
        `WITH inserted AS (
           INSERT INTO posts (author_id, body, created_at, last_activity_at) VALUES ($1, $2, $3, $3) RETURNING *
         ) ${selectPostsFrom('inserted')}`,
        [authorId, body, now],
      )
      return row!
    },
    async getPost(id) {
      const [row] = await db.query<PostRow>(`${selectPosts} WHERE p.id = $1`, [id])
      return row ?? null
    },
    async listPosts(request) {
      const limit = checkLimit(request.limit)
      return db.query<PostRow>(`${selectPosts} WHERE p.parent_id IS NULL AND p.id < $1 ORDER BY p.id DESC LIMIT $2`, [
        pageBound(request),
        limit,
      ])
    },
    // async: a bad limit rejects rather than throwing synchronously.
    listPostsByAuthor: async (authorId, request) =>
      db.query<PostRow>(`${selectPosts} WHERE p.author_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3`, [
        authorId,
        pageBound(request),
        checkLimit(request.limit),
      ]),
    async updatePost(id, authorId, body, now) {
      const [row] = await db.query<PostRow>(
        `WITH updated AS (
           UPDATE posts SET body = $1, updated_at = $2 WHERE id = $3 AND author_id = $4 AND deleted_at IS NULL
           RETURNING *
         ) ${selectPostsFrom('updated')}`,
        [body, now, id, authorId],
      )
      return row ?? null
    },
    deletePost: (id, authorId, now = Date.now()) =>
      db.transaction(async (tx) => {
        if (authorId !== null) {
          const [owner] = await tx.query<{ authorId: number | null }>(
            'SELECT author_id AS "authorId" FROM posts WHERE id = $1',
            [id],
          )
          if (owner?.authorId !== authorId) return false
        }
        return (await removePostKeepingThread(tx, id, now)) !== 'none'
      }),
    createReply: (reply) =>
      db.transaction(async (tx) => {
        // Locks the parent (the order post-removal.ts takes too); a missing, reply or placeholder parent changes nothing.
        const bumped = await tx.execute(
          `UPDATE posts SET reply_count = reply_count + 1, last_activity_at = GREATEST(last_activity_at, $1)
           WHERE id = $2 AND parent_id IS NULL AND deleted_at IS NULL`,
          [reply.createdAt, reply.parentId],
        )
        if (bumped === 0) throw notFound(`post ${reply.parentId}`)
        if (reply.quoteId !== null) {
          const [quoted] = await tx.query('SELECT id FROM posts WHERE id = $1 AND parent_id = $2', [
            reply.quoteId,
            reply.parentId,
          ])
          if (!quoted) throw notFound(`reply ${reply.quoteId} of post ${reply.parentId}`)
        }
        const [row] = await tx.query<PostRow>(
          `WITH inserted AS (
             INSERT INTO posts (parent_id, author_id, quote_id, body, created_at, last_activity_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING *
           ) ${selectPostsFrom('inserted')}`,
          [reply.parentId, reply.authorId, reply.quoteId, reply.body, reply.createdAt],
        )
        return row!
      }),
    async listReplies(parentId, request) {
      const limit = checkLimit(request.limit)
      if (request.after === undefined && request.before !== undefined) {
        const rows = await db.query<ReplyRow>(
          `${selectReplies} WHERE p.parent_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3`,
          [parentId, request.before, limit],
        )
        return rows.reverse()
      }
      return db.query<ReplyRow>(`${selectReplies} WHERE p.parent_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3`, [
        parentId,
        request.after ?? 0,
        limit,
      ])
    },
  }
}
