/**
 * The timers behind the gateway's own deadlines: the heartbeat and each connection's inactivity and
 * sign-in window. Injectable like the clock (`now`), so a test moves them forward (`ManualTimers` of
 * @parley/testing) instead of waiting for them in real time.
 * @module
 */

/** Whatever `setTimeout`/`setInterval` returned; only ever handed back to clear it. */
export type TimerHandle = unknown

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
  setInterval(callback: () => void, ms: number): TimerHandle
  clearInterval(handle: TimerHandle): void
}

/** Node's timers. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
}
