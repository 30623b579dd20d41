import type { Database } from 'better-sqlite3'
import { checkLimit, pageBound } from '../paging.js'
import { selectPosts, selectReplies } from '../sql/columns.js'
import type { NewReply, PostRow, PostStore, ReplyRow } from '../types.js'
import { notFound } from './errors.js'
import { prepareSqlitePostRemoval } from './post-removal.js'
import type { SqliteRunner } from './runner.js'

export function createSqlitePostStore(db: Database, run: SqliteRunner): PostStore {
  const insert = db.prepare<[number, string, number, number], { id: number }>(
    'INSERT INTO posts (author_id, body, created_at, last_activity_at) VALUES (?, ?, ?, ?) RETURNING id',
  )
  const byId = db.prepare<[number], PostRow>(`${selectPosts} WHERE p.id = ?`)
  const page = db.prepare<[number, number], PostRow>(
    `${selectPosts} WHERE p.parent_id IS NULL AND p.id < ? ORDER BY p.id DESC LIMIT ?`,
  )
  const byAuthor = db.prepare<[number, number, number], PostRow>(
    `${selectPosts} WHERE p.author_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?`,
  )
  const update = db.prepare<[string, number, number, number], { id: number }>(
    'UPDATE posts SET body = ?, updated_at = ? WHERE id = ? AND author_id = ? AND deleted_at IS NULL RETURNING id',
  )
  const ownerOf = db.prepare<[number], { authorId: number | null }>(
    'SELECT author_id AS "authorId" FROM posts WHERE id = ?',
  )
  const removePost = prepareSqlitePostRemoval(db)

  // The parent's row is updated first: a parent that is missing, a reply or a placeholder changes nothing.
  const bumpParent = db.prepare<[number, number], { id: number }>(
    `UPDATE posts SET reply_count = reply_count + 1, last_activity_at = max(last_activity_at, ?)
     WHERE id = ? AND parent_id IS NULL AND deleted_at IS NULL RETURNING id`,
  )
  const isReplyOf = db.prepare<[number, number], { id: number }>('SELECT id FROM posts WHERE id = ? AND parent_id = ?')
  const insertReply = db.prepare<[number, number, number | null, string, number, number], { id: number }>(
    `INSERT INTO posts (parent_id, author_id, quote_id, body, created_at, last_activity_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  )
  const repliesAfter = db.prepare<[number, number, number], ReplyRow>(
    `${selectReplies} WHERE p.parent_id = ? AND p.id > ? ORDER BY p.id LIMIT ?`,
  )
  const repliesBefore = db.prepare<[number, number, number], ReplyRow>(
    `${selectReplies} WHERE p.parent_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?`,
  )

  const createPost = (authorId: number, body: string, now: number) => {
    const { id } = insert.get(authorId, body, now, now)!
    return byId.get(id)!
  }
  const updatePost = (id: number, authorId: number, body: string, now: number) => {
    const updated = update.get(body, now, id, authorId)
    return updated ? byId.get(updated.id)! : null
  }
  const deletePost = (id: number, authorId: number | null, now: number) => {
    if (authorId !== null && ownerOf.get(id)?.authorId !== authorId) return false
    return removePost(id, now) !== 'none'
  }
  const createReply = (reply: NewReply) => {
    if (!bumpParent.get(reply.createdAt, reply.parentId)) throw notFound(`post ${reply.parentId}`)
    if (reply.quoteId !== null && !isReplyOf.get(reply.quoteId, reply.parentId)) {
      throw notFound(`reply ${reply.quoteId} of post ${reply.parentId}`)
    }
    const { id } = insertReply.get(
      reply.parentId,
      reply.authorId,
      reply.quoteId,
      reply.body,
      reply.createdAt,
      reply.createdAt,
    )!
    return byId.get(id)!
  }

  return {
    createPost: (authorId, body, now) => run.write(() => createPost(authorId, body, now)),
    getPost: (id) => run(() => byId.get(id) ?? null),
    listPosts: (request) => run(() => page.all(pageBound(request), checkLimit(request.limit))),
    listPostsByAuthor: (authorId, request) =>
      run(() => byAuthor.all(authorId, pageBound(request), checkLimit(request.limit))),
    updatePost: (id, authorId, body, now) => run.write(() => updatePost(id, authorId, body, now)),
    deletePost: (id, authorId, now = Date.now()) => run.write(() => deletePost(id, authorId, now)),
    createReply: (reply) => run.write(() => createReply(reply)),
    listReplies: (parentId, request) =>
      run(() => {
        const limit = checkLimit(request.limit)
        if (request.after === undefined && request.before !== undefined) {
          return repliesBefore.all(parentId, request.before, limit).reverse()
        }
        return repliesAfter.all(parentId, request.after ?? 0, limit)
      }),
  }
}
