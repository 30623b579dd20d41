/**
 * After the bus was cut off (Redis restarted, a network blip), this instance may have missed
 * deliveries and presence changes published meanwhile. Storage is the source of truth: each local
 * signed-in connection gets its offline queue pushed again (connections skip what they already
 * hold, clients dedupe by messageId), and the online directory is reconciled with the
 * connections this instance really has.
 * @module
 */
import type { GatewayState } from './gateway-state.js'

export function catchUp(ctx: GatewayState): void {
  ctx.log.info({ connections: ctx.registry.userCount }, 'bus reconnected: catching up from storage')
  // Presence events published while the bus was away were missed: reload who is online.
  void ctx.cluster.directory
    .resync()
    .then(() => ctx.cluster.directory.onlineUsers())
    .then((users) => ctx.online.replaceAll(users))
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'reloading who is online failed'))
  repushPending(ctx)
}

/**
 * Pushes every local signed-in connection's offline queue again (what they hold already is
 * skipped). Also run on every instance when a dead gateway was swept: it may have stored and
 * acknowledged messages without publishing them.
 */
export function repushPending(ctx: GatewayState): void {
  const conns = [...ctx.connections].filter((conn) => !conn.ended)
  for (const conn of conns) {
    conn.offline
      ?.pushPending()
      .catch((error: unknown) =>
        conn.log.warn({ err: error }, 'catch-up push failed: the client gets its queue at its next sign-in'),
      )
  }
}
