/**
 * Search over the FTS5 tables of migration 006. A page of the best matches (bm25, then newest) is
 * chosen first and only its rows get an excerpt, so `snippet()` runs `limit` times, not once per
 * match. Reads run on the calling thread's connection like every other read.
 * @module
 */
import type { Database } from 'better-sqlite3'
import { checkSearchPage, fts5Query, MATCH_END, MATCH_START, searchTerms, snippetParts } from '../search-terms.js'
import type { MessageSearchHit, PostSearchHit, SearchRequest, SearchStore } from '../types.js'
import type { SqliteRunner } from './runner.js'

interface Page {
  match: string
  limit: number
  offset: number
}

type Marked<T> = Omit<T, 'snippet'> & { snippet: string }

/** Tokens of context around the matches (FTS5 allows at most 64). */
const POST_SNIPPET_TOKENS = 24
const MESSAGE_SNIPPET_TOKENS = 64

export function createSqliteSearchStore(db: Database, run: SqliteRunner): SearchStore {
  const posts = db.prepare<[Page], Marked<PostSearchHit>>(
    `WITH hits AS (
       SELECT s.rowid AS id, s.rank AS rank FROM posts_search s JOIN posts p ON p.id = s.rowid
       WHERE posts_search MATCH @match AND p.deleted_at IS NULL
       ORDER BY s.rank, s.rowid DESC LIMIT @limit OFFSET @offset
     )
     SELECT p.id, p.parent_id AS "parentId", p.author_id AS "authorId", u.username AS "authorName",
       p.created_at AS "createdAt", p.updated_at AS "updatedAt",
       snippet(posts_search, 0, '${MATCH_START}', '${MATCH_END}', '…', ${POST_SNIPPET_TOKENS}) AS snippet
     FROM posts_search JOIN hits h ON h.id = posts_search.rowid JOIN posts p ON p.id = h.id
       LEFT JOIN users u ON u.id = p.author_id
     WHERE posts_search MATCH @match
     ORDER BY h.rank, h.id DESC`,
  )
  const messages = db.prepare<[Page & { userId: number }], Marked<MessageSearchHit>>(
    `WITH hits AS (
       SELECT s.rowid AS id, s.rank AS rank FROM messages_search s JOIN messages m ON m.id = s.rowid
       WHERE messages_search MATCH @match AND (m.sender_id = @userId OR m.recipient_id = @userId)
       ORDER BY s.rank, s.rowid DESC LIMIT @limit OFFSET @offset
     )
     SELECT m.id, m.sender_id AS "senderId", su.username AS "senderName", m.recipient_id AS "recipientId",
       ru.username AS "recipientName", m.created_at AS "createdAt",
       snippet(messages_search, 0, '${MATCH_START}', '${MATCH_END}', '…', ${MESSAGE_SNIPPET_TOKENS}) AS snippet
     FROM messages_search JOIN hits h ON h.id = messages_search.rowid JOIN messages m ON m.id = h.id
       LEFT JOIN users su ON su.id = m.sender_id LEFT JOIN users ru ON ru.id = m.recipient_id
     WHERE messages_search MATCH @match
     ORDER BY h.rank, h.id DESC`,
  )

  /** The MATCH expression, or null when the query has no word (nothing to find, nothing to run). */
  function prepare(request: SearchRequest): Page | null {
    const offset = request.offset ?? 0
    checkSearchPage(request.limit, offset)
    const terms = searchTerms(request.query)
    return terms.length === 0 ? null : { match: fts5Query(terms), limit: request.limit, offset }
  }

  return {
    posts: (request) =>
      run(() => {
        const page = prepare(request)
        if (page === null) return []
        return posts.all(page).map((row) => ({ ...row, snippet: snippetParts(row.snippet) }))
      }),
    messages: (userId, request) =>
      run(() => {
        const page = prepare(request)
        if (page === null) return []
        return messages.all({ ...page, userId }).map((row) => ({ ...row, snippet: snippetParts(row.snippet) }))
      }),
  }
}
