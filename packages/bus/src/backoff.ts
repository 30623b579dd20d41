/**
 * The wait before each reconnection to Redis: @parley/chat-client's one backoff (doubling up to a
 * cap, with jitter so many instances that lost Redis together do not reconnect in lockstep), with
 * the bus's own steps.
 * @module
 */
import { backoffDelay } from '@parley/chat-client'

export interface BackoffOptions {
  /** Wait before the first retry; default 100 ms. */
  initialDelayMs?: number
  /** Longest wait between retries; default 5000 ms. The bus never gives up. */
  maxDelayMs?: number
}

export function reconnectDelay(retries: number, options: BackoffOptions = {}, random = Math.random): number {
  return backoffDelay(retries, { initialMs: options.initialDelayMs ?? 100, maxMs: options.maxDelayMs ?? 5000 }, random)
}
