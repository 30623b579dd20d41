/**
 * Timers a test moves forward, injected where code takes its timers (the gateway's `timers`, as the
 * clock is injected as `now`): nothing fires by itself, and `advance(ms)` runs every timer that
 * fell due within `ms`, in time order, so a test of a 30 s timeout takes no 30 s.
 * @module
 */

interface Pending {
  at: number
  /** Interval period; null for a one-shot timer. */
  every: number | null
  callback: () => void
}

export class ManualTimers {
  #elapsed = 0
  #nextId = 1
  readonly #pending = new Map<number, Pending>()

  setTimeout(callback: () => void, ms: number): number {
    return this.#add(callback, ms, null)
  }

  setInterval(callback: () => void, ms: number): number {
    return this.#add(callback, ms, Math.max(1, ms))
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number)
  }

  clearInterval(handle: unknown): void {
    this.#pending.delete(handle as number)
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#pending.size
  }

  /**
   * Moves time on by `ms`, running each timer due by then in order of its due time (one set by a
   * callback runs too when it falls within `ms`; an interval runs once per period passed).
   */
  advance(ms: number): void {
    const end = this.#elapsed + ms
    for (;;) {
      let nextId: number | null = null
      let next: Pending | null = null
      for (const [id, timer] of this.#pending) {
        if (timer.at <= end && (next === null || timer.at < next.at)) {
          nextId = id
          next = timer
        }
      }
      if (nextId === null || next === null) break
      this.#elapsed = next.at
      if (next.every === null) this.#pending.delete(nextId)
      else next.at += next.every
      next.callback()
    }
    this.#elapsed = end
  }

  #add(callback: () => void, ms: number, every: number | null): number {
    const id = this.#nextId++
    this.#pending.set(id, { at: this.#elapsed + Math.max(0, ms), every, callback })
    return id
  }
}
