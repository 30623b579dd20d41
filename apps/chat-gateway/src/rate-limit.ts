/**
 * A token bucket: `burst` frames at once, refilled at `ratePerSecond`. Pure state with the clock
 * passed in, so it is tested without waiting.
 * @module
 */
export class TokenBucket {
  readonly #rate: number
  readonly #capacity: number
  #tokens: number
  #updatedAt: number

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.#rate = ratePerSecond / 1000
    this.#capacity = burst
    this.#tokens = burst
    this.#updatedAt = now
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt)
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#rate)
    this.#updatedAt = now
  }

  /** Takes `cost` tokens when there are enough; false (nothing taken) otherwise. */
  take(cost: number, now: number): boolean {
    this.#refill(now)
    if (this.#tokens < cost) return false
    this.#tokens -= cost
    return true
  }

  /** True when the bucket is at capacity (nothing was taken lately). */
  isFull(now: number): boolean {
    this.#refill(now)
    return this.#tokens >= this.#capacity
  }

  /** Milliseconds until `cost` tokens are available. */
  retryAfterMs(cost: number, now: number): number {
    this.#refill(now)
    return this.#tokens >= cost ? 0 : Math.ceil((cost - this.#tokens) / this.#rate)
  }
}
