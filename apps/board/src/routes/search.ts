/**
 * `/search?q=<words>&page=<n>`: one search box for the board's posts and replies (everyone's) and
 * the reader's own chat conversations (never anyone else's), best matches first, a page of each.
 * A plain GET form, so it works without JavaScript. Searches are counted per account and per
 * client address (IPv6 by /64) in one-minute windows: past a limit the page answers 429.
 * @module
 */
import { clientAddressKey, createMemoryAttemptStore } from '@parley/auth'
import { ErrorCode, ParleyError } from '@parley/protocol'
import { MAX_SEARCH_DEPTH, type Storage, searchTerms } from '@parley/storage'
import { Type } from 'typebox'
import type { BoardPlugin } from '../http/types.js'
import { requireUser } from '../plugins/session.js'
import { presentChatHit, presentPostHit } from './search-view.js'

export const SEARCH_PAGE_SIZE = 20
/** Longest query the box accepts; only its first words are used anyway (storage's searchTerms). */
export const MAX_SEARCH_QUERY_LENGTH = 500
export const SEARCH_LIMITS = { perUserPerMinute: 30, perAddressPerMinute: 60 } as const

const MINUTE = 60_000
const maxPage = Math.floor(MAX_SEARCH_DEPTH / (SEARCH_PAGE_SIZE + 1))

const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_SEARCH_QUERY_LENGTH })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: maxPage })),
})

export interface SearchRoutesOptions {
  storage: Storage
  /** The clock (epoch ms) of the rate-limit windows. */
  now: () => number
}

export const searchRoutes: BoardPlugin<SearchRoutesOptions> = async (app, { storage, now }) => {
  const counts = createMemoryAttemptStore(now)
  app.addHook('onClose', () => counts.close())

  async function checkRate(userId: number, ip: string): Promise<void> {
    const rules = [
      {
        key: `search:user:${userId}`,
        max: SEARCH_LIMITS.perUserPerMinute,
        message: 'Too many searches from your account.',
      },
      {
        key: `search:ip:${clientAddressKey(ip)}`,
        max: SEARCH_LIMITS.perAddressPerMinute,
        message: 'Too many searches from your address.',
      },
    ]
    for (const rule of rules) {
      const { count, resetInMs } = await counts.hit(rule.key, MINUTE)
      if (count > rule.max) {
        const retryAfterMs = Math.max(1, resetInMs)
        throw new ParleyError(
          ErrorCode.RateLimited,
          `${rule.message} Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
          {
            retryAfterMs,
          },
        )
      }
    }
  }

  app.get('/search', { schema: { querystring: SearchQuery } }, async (request, reply) => {
    const user = requireUser(request)
    const query = request.query.q ?? ''
    const page = request.query.page ?? 1
    const base = { title: query.trim() ? `Search: ${query.trim()}` : 'Search', searchQuery: query }
    // Nothing to look for (empty, or only punctuation): the box alone, and no search counted.
    if (searchTerms(query).length === 0) {
      return reply.view('search', { ...base, searched: query.trim() !== '', posts: [], chats: [], page, pages: null })
    }
    await checkRate(user.id, request.ip)
    const window = { query, limit: SEARCH_PAGE_SIZE + 1, offset: (page - 1) * SEARCH_PAGE_SIZE }
    const [posts, chats] = await Promise.all([storage.search.posts(window), storage.search.messages(user.id, window)])
    const hasMore = posts.length > SEARCH_PAGE_SIZE || chats.length > SEARCH_PAGE_SIZE
    const link = (n: number) => `/search?${new URLSearchParams({ q: query, ...(n > 1 ? { page: String(n) } : {}) })}`
    return reply.view('search', {
      ...base,
      searched: true,
      posts: posts.slice(0, SEARCH_PAGE_SIZE).map(presentPostHit),
      chats: chats.slice(0, SEARCH_PAGE_SIZE).map((hit) => presentChatHit(hit, user.id)),
      page,
      pages: {
        previous: page > 1 ? link(page - 1) : null,
        next: hasMore && page < maxPage ? link(page + 1) : null,
      },
    })
  })
}
