import { checkLimit, pageBound } from '../paging.js'
import { selectPosts, selectPostsFrom } from '../sql/columns.js'
import type { PostRow, PostStore } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresPostStore(db: PgDb): PostStore {
  return {
    async createPost(authorId, body, now) {
      const [row] = await db.query<PostRow>(
        `WITH inserted AS (INSERT INTO posts (author_id, body, created_at) VALUES ($1, $2, $3) RETURNING *)
         ${selectPostsFrom('inserted')}`,
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
      return db.query<PostRow>(`${selectPosts} WHERE p.id < $1 ORDER BY p.id DESC LIMIT $2`, [
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
           UPDATE posts SET body = $1, updated_at = $2 WHERE id = $3 AND author_id = $4 RETURNING *
         ) ${selectPostsFrom('updated')}`,
        [body, now, id, authorId],
      )
      return row ?? null
    },
    async deletePost(id, authorId) {
      const removed =
        authorId === null
          ? await db.execute('DELETE FROM posts WHERE id = $1', [id])
          : await db.execute('DELETE FROM posts WHERE id = $1 AND author_id = $2', [id, authorId])
      return removed > 0
    },
  }
}
