/**
 * Search over the generated `search_vector` columns of migration 006 (GIN indexes). The words are
 * passed as one plain string to `plainto_tsquery('simple', …)`, which ANDs them and cannot fail on
 * any text. Each search runs in its own transaction under a statement timeout, so no query can hold
 * a pooled connection for long; a page of the best matches (ts_rank, then newest) is chosen first
 * and only its rows get an excerpt from `ts_headline`, the costly part.
 * @module
 */
import { StorageError, StorageErrorCode } from '../errors.js'
import { checkSearchPage, MATCH_END, MATCH_START, searchTerms, snippetParts } from '../search-terms.js'
import type { MessageSearchHit, PostSearchHit, SearchRequest, SearchStore } from '../types.js'
import type { PgDb } from './client.js'

/** A search taking longer than this is cancelled and fails with STORAGE_UNAVAILABLE. */
export const SEARCH_STATEMENT_TIMEOUT_MS = 3000

type Marked<T> = Omit<T, 'snippet'> & { snippet: string }

function headlineOptions(maxWords: number, minWords: number): string {
  return `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=${maxWords}, MinWords=${minWords}`
}
const postHeadline = headlineOptions(30, 12)
const messageHeadline = headlineOptions(60, 30)

const postsSql = `
  WITH q AS (SELECT plainto_tsquery('simple', $1) AS query),
  hits AS (
    SELECT p.id, ts_rank(p.search_vector, q.query) AS rank FROM posts p, q
    WHERE p.search_vector @@ q.query AND p.deleted_at IS NULL
    ORDER BY rank DESC, p.id DESC LIMIT $2 OFFSET $3
  )
  SELECT p.id, p.parent_id AS "parentId", p.author_id AS "authorId", u.username AS "authorName",
    p.created_at AS "createdAt", p.updated_at AS "updatedAt",
    ts_headline('simple', p.body, q.query, $4) AS snippet
  FROM hits h JOIN posts p ON p.id = h.id LEFT JOIN users u ON u.id = p.author_id CROSS JOIN q
  ORDER BY h.rank DESC, h.id DESC`

const messagesSql = `
  WITH q AS (SELECT plainto_tsquery('simple', $1) AS query),
  hits AS (
    SELECT m.id, ts_rank(m.search_vector, q.query) AS rank FROM messages m, q
    WHERE m.search_vector @@ q.query AND (m.sender_id = $2 OR m.recipient_id = $2)
    ORDER BY rank DESC, m.id DESC LIMIT $3 OFFSET $4
  )
  SELECT m.id, m.sender_id AS "senderId", su.username AS "senderName", m.recipient_id AS "recipientId",
    ru.username AS "recipientName", m.created_at AS "createdAt",
    ts_headline('simple', m.body, q.query, $5) AS snippet
  FROM hits h JOIN messages m ON m.id = h.id
    LEFT JOIN users su ON su.id = m.sender_id LEFT JOIN users ru ON ru.id = m.recipient_id CROSS JOIN q
  ORDER BY h.rank DESC, h.id DESC`

/** SQLSTATE query_canceled: the statement timeout fired. */
const QUERY_CANCELED = '57014'

export function createPostgresSearchStore(db: PgDb): SearchStore {
  async function timed<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await db.transaction(async (tx) => {
        // SET LOCAL cannot take a parameter; the value is this module's own integer.
        await tx.execute(`SET LOCAL statement_timeout = ${SEARCH_STATEMENT_TIMEOUT_MS}`)
        return tx.query<T & Record<string, unknown>>(sql, params)
      })
    } catch (error) {
      const cause = error instanceof StorageError ? error.cause : error
      if (cause instanceof Error && 'code' in cause && cause.code === QUERY_CANCELED) {
        throw new StorageError(StorageErrorCode.Unavailable, 'the search took too long and was cancelled', { cause })
      }
      throw error
    }
  }

  function prepare(request: SearchRequest): { words: string | null; limit: number; offset: number } {
    const offset = request.offset ?? 0
    checkSearchPage(request.limit, offset)
    const terms = searchTerms(request.query)
    return { words: terms.length === 0 ? null : terms.join(' '), limit: request.limit, offset }
  }

  return {
    async posts(request) {
      const { words, limit, offset } = prepare(request)
      if (words === null) return []
      const rows = await timed<Marked<PostSearchHit>>(postsSql, [words, limit, offset, postHeadline])
      return rows.map((row) => ({ ...row, snippet: snippetParts(row.snippet) }))
    },
    async messages(userId, request) {
      const { words, limit, offset } = prepare(request)
      if (words === null) return []
      const rows = await timed<Marked<MessageSearchHit>>(messagesSql, [words, userId, limit, offset, messageHeadline])
      return rows.map((row) => ({ ...row, snippet: snippetParts(row.snippet) }))
    },
  }
}
