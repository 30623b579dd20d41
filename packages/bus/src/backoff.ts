/**
 * The wait before each reconnection attempt: doubling from `initialDelayMs` up to `maxDelayMs`,
 * with jitter so many instances that lost Redis together do not reconnect in lockstep.
 * @module
 */

export interface BackoffOptions {
  /** Wait before the first retry; default 100 ms. */
  initialDelayMs?: number
  /** Longest wait between retries; default 5000 ms. The bus never gives up. */
  maxDelayMs?: number
}

export function reconnectDelay(retries: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? 100
  const max = options.maxDelayMs ?? 5000
  const exponential = Math.min(max, initial * 2 ** Math.min(retries, 30))
  // Between 75 % and 100 % of the exponential step.
  return Math.round(exponential * (0.75 + 0.25 * random()))
}
