/**
 * The lockout rule as pure state transitions, shared by every backend: the backend only has to load
 * the row and store the result inside one locked transaction.
 * @module
 */
import type { LoginAttempt } from './types.js'

/** An attempt counted but never followed by a failure or success (its process died) stops counting after this. */
export const LOGIN_ATTEMPT_TTL_MS = 60_000

export interface LoginFailureState {
  /** Consecutive wrong passwords confirmed. */
  failures: number
  /** Attempts registered whose password check has not reported back yet. */
  pending: number
  /** When the latest attempt was registered. */
  pendingAt: number | null
  lockedUntil: number | null
}

export const noLoginFailures: LoginFailureState = { failures: 0, pending: 0, pendingAt: null, lockedUntil: null }

function isLocked(state: LoginFailureState, now: number): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now
}

/** Drops what no longer counts at `now`: an expired lock (with its failures) and abandoned in-flight attempts. */
export function currentLoginState(state: LoginFailureState, now: number): LoginFailureState {
  if (isLocked(state, now)) return state
  if (state.lockedUntil !== null) return noLoginFailures
  if (state.pending > 0 && state.pendingAt !== null && state.pendingAt <= now - LOGIN_ATTEMPT_TTL_MS) {
    return { ...state, pending: 0, pendingAt: null }
  }
  return state
}

export function viewLoginState(state: LoginFailureState, now: number): LoginAttempt {
  const current = currentLoginState(state, now)
  return {
    attempt: current.failures + current.pending,
    lockedUntil: isLocked(current, now) ? current.lockedUntil : null,
  }
}

/** One more attempt in flight; while locked nothing changes. */
export function registerAttempt(state: LoginFailureState, now: number): LoginFailureState {
  if (isLocked(state, now)) return state
  const current = currentLoginState(state, now)
  return { ...current, pending: current.pending + 1, pendingAt: now }
}

/** The attempt was a wrong password: it becomes a failure, and enough failures lock the account. */
export function recordFailure(
  state: LoginFailureState,
  now: number,
  maxFailures: number,
  blockMs: number,
): LoginFailureState {
  const current = currentLoginState(state, now)
  const failures = current.failures + 1
  const pending = Math.max(0, current.pending - 1)
  if (isLocked(current, now)) return { ...current, failures, pending }
  if (failures >= maxFailures) {
    // Attempts refused while this one was checked are void: the lock now speaks for them.
    return { failures, pending: 0, pendingAt: null, lockedUntil: now + blockMs }
  }
  return { ...current, failures, pending, pendingAt: pending === 0 ? null : current.pendingAt }
}
