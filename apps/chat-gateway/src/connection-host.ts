/**
 * The gateway's side of each connection's life: a sign-in registers it for deliveries here (and
 * opens the user's presence history on this instance with their first connection); its end takes
 * it out again and releases it in the online directory, which decides whether the user went offline.
 * @module
 */
import type { ConnectionHost } from './connection.js'
import type { Dispatch } from './connection-types.js'
import type { GatewayState } from './gateway-state.js'

/** How long a user whose last connection closed still counts as online, unless set (`CHAT_PRESENCE_GRACE_MS`). */
export const DEFAULT_PRESENCE_GRACE_MS = 3000
/** End reasons of a connection the client closed or lost, rather than one the gateway ended with a `bye`. */
const GRACE_REASONS = new Set(['closed', 'dropped'])

export function createConnectionHost(state: GatewayState, dispatch: Dispatch): ConnectionHost {
  return {
    config: state.config,
    metrics: state.metrics,
    log: state.log,
    now: state.now,
    timers: state.timers,
    corker: state.corker,
    userRates: state.userRates,
    dispatch,
    pendingMessages: (userId, limit) => state.storage.messages.pendingMessages(userId, limit),
    registerSignedIn(conn, user) {
      const entry = { connection: conn, connId: conn.connId, sessionHash: user.sessionHash, kind: user.kind }
      if (state.registry.add(user.userId, user.username, entry)) state.presence.openHistory(user.userId)
    },
    released(conn, reason) {
      state.connections.delete(conn)
      const user = conn.user
      if (!user) return
      if (state.registry.remove(user.userId, conn.connId)) state.presence.closeHistory(user.userId)
      // While the gateway shuts down the directory keeps the entry until this instance's heartbeat
      // expires, so a client that moves to another gateway in time never looks offline.
      if (state.shuttingDown) return
      // A socket that just closed (a page left for another, a phone between networks) gets a grace
      // before "logged out"; a logout, timeout or revocation is announced at once.
      const graceMs = GRACE_REASONS.has(reason) ? (state.config.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS) : 0
      state.presence.release({ id: user.userId, username: user.username }, conn.connId, graceMs)
    },
  }
}
