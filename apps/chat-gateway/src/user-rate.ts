/**
 * The rate limit of a user across all their connections: one token bucket per user on this gateway,
 * on top of each connection's own, so opening more sockets does not multiply what one account may
 * send. With a shared counter (Redis, when several gateways run) every gateway also reports what
 * each user sent, a few times a second and off the frame's path, into a one-second window counted
 * across all gateways; a user past `rate + burst` in a window is refused everywhere until it ends.
 * (How many sockets a user may hold is capped in the online directory: `maxConnectionsPerUser`.)
 * Buckets of idle users are forgotten at the heartbeat.
 * @module
 */
import type { AttemptStore } from '@parley/auth'
import { TokenBucket } from './rate-limit.js'

/** The shared window, and how often a gateway reports into it. */
const SHARED_WINDOW_MS = 1000
const REPORT_EVERY_MS = 100

export class UserRateLimits {
  readonly #rate: number
  readonly #burst: number
  readonly #buckets = new Map<number, TokenBucket>()
  readonly #shared: AttemptStore | null
  /** Frames allowed here since the last report, per user. */
  readonly #unreported = new Map<number, number>()
  /** Users refused everywhere until then (epoch ms): the shared window is over its limit. */
  readonly #blockedUntil = new Map<number, number>()
  #reportTimer: NodeJS.Timeout | undefined
  readonly #now: () => number

  constructor(ratePerSecond: number, burst: number, shared: AttemptStore | null = null, now: () => number = Date.now) {
    this.#rate = ratePerSecond
    this.#burst = burst
    this.#shared = shared
    this.#now = now
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
    if ((this.#blockedUntil.get(userId) ?? 0) > now) return false
    if (!this.#bucket(userId, now).take(cost, now)) return false
    if (this.#shared) this.#report(userId, cost)
    return true
  }

  retryAfterMs(userId: number, cost: number, now: number): number {
    const blocked = Math.max(0, (this.#blockedUntil.get(userId) ?? 0) - now)
    return Math.max(blocked, this.#buckets.get(userId)?.retryAfterMs(cost, now) ?? 0)
  }

  #report(userId: number, cost: number): void {
    this.#unreported.set(userId, (this.#unreported.get(userId) ?? 0) + cost)
    this.#reportTimer ??= setTimeout(() => this.#flush(), REPORT_EVERY_MS)
  }

  #flush(): void {
    this.#reportTimer = undefined
    const shared = this.#shared
    if (!shared) return
    const limit = this.#rate * (SHARED_WINDOW_MS / 1000) + this.#burst
    for (const [userId, amount] of this.#unreported) {
      shared.add(`user-rate:${userId}`, Math.ceil(amount), SHARED_WINDOW_MS).then(
        ({ count, resetInMs }) => {
          if (count > limit) this.#blockedUntil.set(userId, this.#now() + Math.max(1, resetInMs))
        },
        () => undefined, // the store falls back to memory by itself; nothing to do here
      )
    }
    this.#unreported.clear()
  }

  /** Forgets full buckets (their users sent nothing lately) and ended blocks. */
  sweep(now: number): void {
    for (const [userId, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(userId)
    for (const [userId, until] of this.#blockedUntil) if (until <= now) this.#blockedUntil.delete(userId)
  }

  close(): void {
    clearTimeout(this.#reportTimer)
  }

  get size(): number {
    return this.#buckets.size
  }
}
