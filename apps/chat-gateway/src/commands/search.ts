/**
 * `search`: the signed-in user's own chat messages (sent or received, never anyone else's) that
 * contain the words, best match first, with plain-text excerpts. Besides the per-connection and
 * per-user frame rates every command counts against, searches (an index lookup, heavier than a
 * frame) have their own per-user bucket on this gateway.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { GatewayContext } from '../context.js'
import { TokenBucket } from '../rate-limit.js'
import type { Command } from './types.js'

const DEFAULT_LIMIT = 20
/** A burst of searches, then one every few seconds per user. */
export const SEARCH_BURST = 10
export const SEARCH_PER_SECOND = 0.25
/** Users whose bucket is kept; full buckets are dropped when there are more (they would start full anyway). */
const MAX_TRACKED_USERS = 10_000

/** Per gateway (keyed by its context, so gateways in one process, as in tests, count apart). */
const bucketsOf = new WeakMap<GatewayContext, Map<number, TokenBucket>>()

function takeSearch(ctx: GatewayContext, userId: number): void {
  const now = ctx.now()
  let buckets = bucketsOf.get(ctx)
  if (!buckets) {
    buckets = new Map()
    bucketsOf.set(ctx, buckets)
  }
  let bucket = buckets.get(userId)
  if (!bucket) {
    if (buckets.size >= MAX_TRACKED_USERS) {
      for (const [id, kept] of buckets) if (kept.isFull(now)) buckets.delete(id)
    }
    bucket = new TokenBucket(SEARCH_PER_SECOND, SEARCH_BURST, now)
    buckets.set(userId, bucket)
  }
  if (!bucket.take(1, now)) {
    const retryAfterMs = bucket.retryAfterMs(1, now)
    throw new ParleyError(
      ErrorCode.RateLimited,
      `Too many searches: try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      { retryAfterMs },
    )
  }
}

export const search: Command<'search'> = async (ctx, conn, frame) => {
  const user = conn.user
  takeSearch(ctx, user.userId)
  const limit = frame.limit ?? DEFAULT_LIMIT
  const hits = await ctx.storage.search.messages(user.userId, {
    query: frame.words,
    limit: limit + 1,
    offset: frame.offset ?? 0,
  })
  conn.send({
    type: 'search',
    replyTo: frame.id,
    matches: hits.slice(0, limit).map((hit) => ({
      messageId: hit.id,
      from: hit.senderName ?? '(deleted user)',
      to: hit.recipientName ?? '(deleted user)',
      at: hit.createdAt,
      excerpt: hit.snippet,
    })),
    more: hits.length > limit,
  })
}
