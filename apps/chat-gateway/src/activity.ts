/**
 * What counts as the user's own activity. Only that refreshes the session's last-seen time (so
 * the idle expiry shared with the board is not kept alive by the connection itself: the heartbeat's
 * re-check is read-only) and the gateway's inactivity timer. Not activity: `received` (automatic
 * acknowledgements) and a browser's `private_answer` (a web page cannot hold a private link, so the
 * page declines every request by itself, without the user).
 * @module
 */
import type { ClientMessage } from '@parley/protocol'
import type { Connection } from './connection.js'
import type { GatewayContext } from './context.js'

/** Last-seen is written at most this often per connection (the board writes it at most once a minute too). */
const TOUCH_INTERVAL_MS = 60_000

export function isUserActivity(conn: Connection, frame: ClientMessage): boolean {
  // Before sign-in nothing is: the sign-in window runs from the connection, whatever is sent.
  if (!conn.user) return false
  if (frame.type === 'received') return false
  if (frame.type === 'private_answer' && conn.user?.kind === 'cookie') return false
  return true
}

const lastTouched = new WeakMap<Connection, number>()

/** Refreshes the signed-in session's last-seen for a user action; never fails the command. */
export function recordActivity(ctx: GatewayContext, conn: Connection, frame: ClientMessage): void {
  const user = conn.user
  if (!user || !isUserActivity(conn, frame)) return
  const at = ctx.now()
  const last = lastTouched.get(conn)
  if (last !== undefined && at - last < TOUCH_INTERVAL_MS) return
  lastTouched.set(conn, at)
  ctx.auth
    .touchSession(user.token)
    .catch((error: unknown) => conn.log.warn({ err: error }, 'session activity could not be recorded'))
}
