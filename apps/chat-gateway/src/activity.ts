/**
 * What counts as the user's own activity. Only that refreshes the session's last-seen time (so
 * the idle expiry shared with the board is not kept alive by the connection itself: the heartbeat's
 * re-check is read-only) and the gateway's inactivity timer. Not activity: `received` (automatic
 * acknowledgements) and a browser's `private_answer` (a web page cannot hold a private link, so the
 * page declines every request by itself, without the user).
 * @module
 */
import type { ClientMessage } from '@parley/protocol'
import type { SignedInConnection, SignedInUser } from './connection-types.js'
import type { GatewayContext } from './context.js'

/** Last-seen is written at most this often per connection (the board writes it at most once a minute too). */
const TOUCH_INTERVAL_MS = 60_000

/** Before sign-in (`user` null) nothing is: the sign-in window runs from the connection, whatever is sent. */
export function isUserActivity(user: SignedInUser | null, frame: ClientMessage): boolean {
  if (!user) return false
  if (frame.type === 'received') return false
  if (frame.type === 'private_answer' && user.kind === 'cookie') return false
  return true
}

const lastTouched = new WeakMap<SignedInConnection, number>()

/** Refreshes the signed-in session's last-seen for a user action; never fails the command. */
export function recordActivity(ctx: GatewayContext, conn: SignedInConnection, frame: ClientMessage): void {
  if (!isUserActivity(conn.user, frame)) return
  const at = ctx.now()
  const last = lastTouched.get(conn)
  if (last !== undefined && at - last < TOUCH_INTERVAL_MS) return
  lastTouched.set(conn, at)
  ctx.auth
    .touchSession(conn.user.token)
    .catch((error: unknown) => conn.log.warn({ err: error }, 'session activity could not be recorded'))
}
