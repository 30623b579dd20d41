import type { PageRequest } from './types.js'

/** Largest page any list method returns: callers page with `before` rather than asking for everything. */
export const MAX_PAGE_LIMIT = 1000
export const DEFAULT_PENDING_LIMIT = 1000

/** Checks a page request once for both backends; a bad limit is a programming error, not user input. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new RangeError(`page limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${limit}`)
  }
  return limit
}

/** The `before` cursor as a bound usable in `id < ?`: no cursor means no bound. */
export function pageBound(page: PageRequest): number {
  return page.before ?? Number.MAX_SAFE_INTEGER
}
