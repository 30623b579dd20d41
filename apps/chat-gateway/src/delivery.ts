/**
 * The `chat:events` listener of one gateway instance: delivers each event to this instance's own
 * connections. Synchronous, so events reach clients in the order they arrive.
 * @module
 */
import type { BusEvent } from './bus-events.js'
import { repushPending } from './catch-up.js'
import type { GatewayContext } from './context.js'

export function deliverLocally(ctx: GatewayContext, event: BusEvent): void {
  switch (event.kind) {
    case 'deliver': {
      for (const session of ctx.registry.connectionsOf(event.userId)) {
        if (event.connId !== undefined && session.connId !== event.connId) continue
        if (event.frame.type === 'message') session.pushMessage(event.frame)
        else session.send(event.frame)
      }
      return
    }
    case 'presence': {
      if (ctx.shuttingDown) return
      const hidden = new Set(event.hiddenFrom)
      const frame = { type: 'presence', user: event.username, state: event.state, at: event.at } as const
      for (const { userId, connection } of [...ctx.registry.entries()]) {
        if (userId !== event.userId && !hidden.has(userId)) connection.send(frame)
      }
      return
    }
    case 'broadcast': {
      const excluded = new Set(event.excludeUserIds)
      const frame = { type: 'broadcast', from: event.from, text: event.text, at: event.at } as const
      for (const { userId, connection } of [...ctx.registry.entries()]) {
        if (!excluded.has(userId)) connection.send(frame)
      }
      return
    }
    case 'kick': {
      const targets = event.sessionHash
        ? [...ctx.registry.entries()].filter(
            (entry) =>
              entry.userId === event.userId &&
              entry.sessionHash === event.sessionHash &&
              (!event.tokenOnly || entry.kind === 'token'),
          )
        : [...ctx.registry.entries()].filter((entry) => entry.userId === event.userId)
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
