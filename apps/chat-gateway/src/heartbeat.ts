/**
 * Liveness and session checks, once per interval: a connection that did not answer the previous
 * ping is dropped (ws README, "How to detect and close broken connections"); a signed-in
 * connection whose session no longer authenticates (logged out on the board, password changed,
 * expired, account suspended or deleted) gets `bye {revoked | suspended}`.
 * @module
 */

import { isSuspended } from '@parley/auth'
import type { WebSocketConnection } from './connection.js'
import type { GatewayState } from './gateway-state.js'

export function startHeartbeat(ctx: GatewayState): () => void {
  let checking = false

  async function recheckSessions(): Promise<void> {
    const byToken = new Map<string, WebSocketConnection[]>()
    for (const conn of ctx.connections) {
      if (!conn.user || conn.ended) continue
      const list = byToken.get(conn.user.token) ?? []
      list.push(conn)
      byToken.set(conn.user.token, list)
    }
    for (const [token, conns] of byToken) {
      // Read-only: the connection being open is not activity (only user commands refresh last-seen).
      if (await ctx.auth.checkSession(token)) continue
      const userId = conns[0]!.user!.userId
      const row = await ctx.storage.users.getUserById(userId)
      const suspended = row ? isSuspended(row, ctx.now()) : false
      for (const conn of conns) conn.bye(suspended ? 'suspended' : 'revoked')
    }
  }

  const timer = ctx.timers.setInterval(() => {
    for (const conn of [...ctx.connections]) {
      if (!conn.alive) {
        conn.log.info('no pong to the last ping: dropped')
        conn.terminate()
        continue
      }
      if (conn.checkSlowConsumerAtHeartbeat()) continue
      conn.alive = false
      conn.ws.ping()
    }
    ctx.userRates?.sweep(ctx.now())
    if (checking) return
    checking = true
    recheckSessions()
      .catch((error: unknown) => ctx.log.error({ err: error }, 'session re-check failed'))
      .finally(() => {
        checking = false
      })
  }, ctx.config.heartbeatMs)
  return () => ctx.timers.clearInterval(timer)
}
