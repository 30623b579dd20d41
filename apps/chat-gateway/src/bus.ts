/**
 * Fan-out between connections, and (later) between gateway instances. Every delivery that crosses
 * from one connection to another is published here, and each instance delivers the events to its
 * own connections, so a Redis-backed bus can replace the in-process one without touching commands.
 * Events are plain JSON and self-contained (the publisher resolves blocks first), so handlers are
 * synchronous and deliver in publish order.
 * @module
 */
import type { ByeReason, ServerMessage } from '@parley/protocol'

export type BusEvent =
  /** Push a frame to every connection of one user, or only to `connId` (messages, private-chat brokering). */
  | { kind: 'deliver'; userId: number; connId?: string; frame: ServerMessage }
  /** A user's first connection opened or last one closed; `hiddenFrom`: users blocked either way. */
  | {
      kind: 'presence'
      userId: number
      username: string
      state: 'online' | 'offline'
      at: number
      hiddenFrom: number[]
    }
  /** A broadcast for every online user except `excludeUserIds` (the sender and those who blocked them). */
  | { kind: 'broadcast'; fromUserId: number; from: string; text: string; at: number; excludeUserIds: number[] }
  /**
   * End connections of a user with a `bye`. With `sessionHash`: only that session's connections
   * (`tokenOnly`: only its token connections); `exceptConnId` spares the connection that asked.
   */
  | {
      kind: 'kick'
      userId: number
      reason: ByeReason
      sessionHash?: string
      tokenOnly?: boolean
      exceptConnId?: string
    }

export type BusHandler = (event: BusEvent) => void

export interface ChatBus {
  /** Resolves once the event is handed to the transport (in-process: once every local handler ran). */
  publish(event: BusEvent): Promise<void>
  /** Returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void
  close(): Promise<void>
}

/** One process, one gateway: handlers run synchronously in publish order. */
export function createInProcessBus(onHandlerError: (error: unknown, event: BusEvent) => void): ChatBus {
  const handlers = new Set<BusHandler>()
  return {
    async publish(event) {
      for (const handler of handlers) {
        try {
          handler(event)
        } catch (error) {
          onHandlerError(error, event)
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    async close() {
      handlers.clear()
    },
  }
}
