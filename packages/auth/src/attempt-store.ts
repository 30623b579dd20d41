/**
 * Where the attempt limiter keeps its counters: fixed windows that start at a key's first hit.
 * The memory store serves one process; `redis-attempt-store.ts` shares the counts between instances.
 * @module
 */

export interface AttemptCount {
  /** Hits in the current window, this one included. */
  count: number
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number
}

export interface AttemptStore {
  /** Counts one hit of `key` in a window of `windowMs` that starts at the key's first hit. */
  hit(key: string, windowMs: number): Promise<AttemptCount>
  /** Counts `amount` hits at once (a gateway reporting what a user sent since its last report). */
  add(key: string, amount: number, windowMs: number): Promise<AttemptCount>
  /** Resolves once the store counts where it should (Redis connected), or after `timeoutMs` regardless. */
  ready?(timeoutMs: number): Promise<void>
  close(): Promise<void>
}

/** Expired windows are swept once the map holds this many keys, so it cannot grow without bound. */
const SWEEP_AT = 10_000

export function createMemoryAttemptStore(now: () => number = Date.now): AttemptStore {
  const windows = new Map<string, { count: number; resetAt: number }>()
  let sweepAt = SWEEP_AT
  function sweep(at: number): void {
    for (const [key, window] of windows) if (window.resetAt <= at) windows.delete(key)
    sweepAt = Math.max(SWEEP_AT, windows.size * 2)
  }
  async function add(key: string, amount: number, windowMs: number): Promise<AttemptCount> {
    const at = now()
    if (windows.size >= sweepAt) sweep(at)
    let window = windows.get(key)
    if (!window || window.resetAt <= at) {
      window = { count: 0, resetAt: at + windowMs }
      windows.set(key, window)
    }
    window.count += amount
    return { count: window.count, resetInMs: window.resetAt - at }
  }
  return {
    hit: (key, windowMs) => add(key, 1, windowMs),
    add,
    async close() {
      windows.clear()
    },
  }
}
