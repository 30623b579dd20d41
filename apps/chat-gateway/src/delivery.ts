/**
 * The `chat:events` listener of one gateway instance: delivers each event to this instance's own
 * connections. Synchronous, so events reach clients in the order they arrive. Each event is encoded
 * once and every connection is handed the same text; presence changes are coalesced per tick
 * (`presence-fanout.ts`) and flushed before any other event.
 * @module
 */
import { encode } from '@parley/protocol'
import type { BusEvent } from './bus-events.js'
import { repushPending } from './catch-up.js'
import type { GatewayState } from './gateway-state.js'

export function deliverLocally(ctx: GatewayState, event: BusEvent): void {
  if (event.kind === 'presence') {
    if (event.state === 'online') ctx.online.set({ id: event.userId, username: event.username })
    else ctx.online.delete(event.userId)
    if (!ctx.shuttingDown) ctx.presenceFrames.add(event)
    return
  }
  ctx.presenceFrames.flush()
  switch (event.kind) {
    case 'deliver': {
      const text = encode(event.frame)
      for (const conn of ctx.registry.connectionsOf(event.userId)) {
        if (event.connId !== undefined && conn.connId !== event.connId) continue
        if (conn.connId === event.exceptConnId) continue
        if (event.frame.type === 'message') conn.pushMessage(event.frame, text)
        else if (conn.sendEncoded(text)) ctx.metrics.framesOut.inc({ type: event.frame.type })
      }
      return
    }
    case 'broadcast': {
      const excluded = new Set(event.excludeUserIds)
      const text = Buffer.from(encode({ type: 'broadcast', from: event.from, text: event.text, at: event.at }))
      let sent = 0
      ctx.registry.forEachConnection((userId, connection) => {
        if (!excluded.has(userId) && connection.sendEncoded(text)) sent++
      })
      if (sent > 0) ctx.metrics.framesOut.inc({ type: 'broadcast' }, sent)
      return
    }
    case 'kick': {
      const targets = ctx.registry
        .entriesOf(event.userId)
        .filter(
          (entry) =>
            event.sessionHash === undefined ||
            (entry.sessionHash === event.sessionHash && (!event.tokenOnly || entry.kind === 'token')),
        )
      for (const { connId, connection } of targets) {
        if (connId !== event.exceptConnId) connection.bye(event.reason)
      }
      return
    }
    case 'catch-up': {
      if (ctx.shuttingDown) return
      ctx.log.info({ deadInstanceId: event.deadInstanceId }, 'a gateway died: pushing offline queues again')
      repushPending(ctx)
      return
    }
  }
}
