/**
 * Reconnect delays: exponential growth up to a cap, with "equal jitter" (half fixed, half random) so
 * many clients cut off by the same gateway restart do not all come back in the same instant, and no
 * delay is ever zero. Pure.
 * @module
 */

export interface BackoffOptions {
  /** Delay before the first retry (before jitter). */
  initialMs: number
  /** Largest delay. */
  maxMs: number
  /** Growth per attempt; default 2. */
  factor?: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2 }

/** The delay before retry number `attempt` (0-based); `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
