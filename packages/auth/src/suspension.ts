/**
 * Whether a user is suspended at a given time, and until when: the one reading of `suspendedUntil`
 * that sign-in, session checks, the gateway, the board's admin page and `pnpm parley` share.
 * @module
 */

/** Storage's marker for "suspended for good". */
export const SUSPENDED_FOR_GOOD = Number.MAX_SAFE_INTEGER

/** Null when not suspended at `now` (never, or it has run out). */
export type Suspension = { forGood: true } | { forGood: false; until: number } | null

export function suspensionOf(user: { suspendedUntil: number | null }, now: number): Suspension {
  const until = user.suspendedUntil
  if (until === null || until <= now) return null
  return until >= SUSPENDED_FOR_GOOD ? { forGood: true } : { forGood: false, until }
}

export function isSuspended(user: { suspendedUntil: number | null }, now: number): boolean {
  return suspensionOf(user, now) !== null
}
