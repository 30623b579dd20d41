/**
 * The rate limit of a user across all their connections on this gateway: one token bucket per
 * user, on top of each connection's own, so opening more sockets does not multiply what one
 * account may send. (How many sockets a user may hold is capped in the online directory, across
 * every gateway: `maxConnectionsPerUser`.) Buckets of idle users are forgotten at the heartbeat.
 * @module
 */
import { TokenBucket } from './rate-limit.js'

export class UserRateLimits {
  readonly #rate: number
  readonly #burst: number
  readonly #buckets = new Map<number, TokenBucket>()

  constructor(ratePerSecond: number, burst: number) {
    this.#rate = ratePerSecond
    this.#burst = burst
  }

  #bucket(userId: number, now: number): TokenBucket {
    let bucket = this.#buckets.get(userId)
    if (!bucket) {
      bucket = new TokenBucket(this.#rate, this.#burst, now)
      this.#buckets.set(userId, bucket)
    }
    return bucket
  }

  /** Takes `cost` from the user's bucket; false (nothing taken) when it does not hold enough. */
  take(userId: number, cost: number, now: number): boolean {
    return this.#bucket(userId, now).take(cost, now)
  }

  retryAfterMs(userId: number, cost: number, now: number): number {
    return this.#buckets.get(userId)?.retryAfterMs(cost, now) ?? 0
  }

  /** Forgets full buckets (their users sent nothing lately): a new one would be the same. */
  sweep(now: number): void {
    for (const [userId, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(userId)
  }

  get size(): number {
    return this.#buckets.size
  }
}
