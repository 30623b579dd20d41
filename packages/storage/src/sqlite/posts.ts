import type { Database } from 'better-sqlite3'
import { checkLimit, pageBound } from '../paging.js'
import { selectPosts } from '../sql/columns.js'
import type { PostRow, PostStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqlitePostStore(db: Database, run: SqliteRunner): PostStore {
  const insert = db.prepare<[number, string, number], { id: number }>(
    'INSERT INTO posts (author_id, body, created_at) VALUES (?, ?, ?) RETURNING id',
  )
  const byId = db.prepare<[number], PostRow>(`${selectPosts} WHERE p.id = ?`)
  const page = db.prepare<[number, number], PostRow>(`${selectPosts} WHERE p.id < ? ORDER BY p.id DESC LIMIT ?`)
  const byAuthor = db.prepare<[number, number, number], PostRow>(
    `${selectPosts} WHERE p.author_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?`,
  )
  const update = db.prepare<[string, number, number, number], { id: number }>(
    'UPDATE posts SET body = ?, updated_at = ? WHERE id = ? AND author_id = ? RETURNING id',
  )
  const removeOwn = db.prepare<[number, number]>('DELETE FROM posts WHERE id = ? AND author_id = ?')
  const removeAny = db.prepare<[number]>('DELETE FROM posts WHERE id = ?')

  const createPost = (authorId: number, body: string, now: number) => {
    const { id } = insert.get(authorId, body, now)!
    return byId.get(id)!
  }
  const updatePost = (id: number, authorId: number, body: string, now: number) => {
    const updated = update.get(body, now, id, authorId)
    return updated ? byId.get(updated.id)! : null
  }

  return {
    createPost: (authorId, body, now) => run.write(() => createPost(authorId, body, now)),
    getPost: (id) => run(() => byId.get(id) ?? null),
    listPosts: (request) => run(() => page.all(pageBound(request), checkLimit(request.limit))),
    listPostsByAuthor: (authorId, request) =>
      run(() => byAuthor.all(authorId, pageBound(request), checkLimit(request.limit))),
    updatePost: (id, authorId, body, now) => run.write(() => updatePost(id, authorId, body, now)),
    deletePost: (id, authorId) =>
      run.write(() => (authorId === null ? removeAny.run(id) : removeOwn.run(id, authorId)).changes > 0),
  }
}
