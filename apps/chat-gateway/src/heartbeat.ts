/**
 * Liveness and session checks, once per interval: a connection that did not answer the previous
 * ping is dropped (ws README, "How to detect and close broken connections"); a signed-in
 * connection whose session no longer authenticates (logged out on the board, password changed,
 * expired, account suspended or deleted) gets `bye {revoked | suspended}`.
 * @module
 */
import type { GatewayContext } from './context.js'
import type { ChatSession } from './session.js'

export function startHeartbeat(ctx: GatewayContext): () => void {
  let checking = false

  async function recheckSessions(): Promise<void> {
    const byToken = new Map<string, ChatSession[]>()
    for (const session of ctx.sessions) {
      if (!session.user || session.ended) continue
      const list = byToken.get(session.user.token) ?? []
      list.push(session)
      byToken.set(session.user.token, list)
    }
    for (const [token, sessions] of byToken) {
      // Read-only: the connection being open is not activity (only user commands refresh last-seen).
      if (await ctx.auth.checkSession(token)) continue
      const userId = sessions[0]!.user!.userId
      const row = await ctx.storage.users.getUserById(userId)
      const suspended = row?.suspendedUntil != null && row.suspendedUntil > ctx.now()
      for (const session of sessions) session.bye(suspended ? 'suspended' : 'revoked')
    }
  }

  const timer = setInterval(() => {
    for (const session of [...ctx.sessions]) {
      if (!session.alive) {
        session.log.info('no pong to the last ping: dropped')
        session.terminate()
        continue
      }
      if (session.checkSlowConsumerAtHeartbeat()) continue
      session.alive = false
      session.ws.ping()
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
  return () => clearInterval(timer)
}
