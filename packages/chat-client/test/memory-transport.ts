/**
 * The client's injection point played in memory: each `connect` opens a `Link` the test drives as
 * the gateway would (reading what the client sent, answering, pushing, dropping the connection).
 */
import type { ClientMessage, ServerMessage } from '@parley/protocol'
import type { Connect, ConnectionError, TransportEvents } from '../src/index.js'

export class Link {
  readonly sent: ClientMessage[] = []
  open = true
  readonly #events: TransportEvents

  constructor(events: TransportEvents) {
    this.#events = events
  }

  /** Frames of one type the client sent on this connection. */
  framesOf<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((frame): frame is Extract<ClientMessage, { type: T }> => frame.type === type)
  }

  push(frame: ServerMessage | Record<string, unknown>): void {
    this.#events.onMessage(JSON.stringify(frame))
  }

  /** The gateway's side closes (or the network drops) the connection. */
  drop(code = 1006, reason = ''): void {
    if (!this.open) return
    this.open = false
    this.#events.onClose(code, reason)
  }
}

export class MemoryGateway {
  readonly links: Link[] = []
  /** Refuse the next connections with this error (`final` for a malformed URL). */
  refuse: ConnectionError | null = null

  readonly connect: Connect = async (events) => {
    if (this.refuse) throw this.refuse
    const link = new Link(events)
    this.links.push(link)
    return {
      send: (text) => {
        if (link.open) link.sent.push(JSON.parse(text))
      },
      close: () => {
        link.open = false
      },
      get isOpen() {
        return link.open
      },
    }
  }

  get last(): Link {
    const link = this.links.at(-1)
    if (!link) throw new Error('no connection yet')
    return link
  }
}

/** Lets promises and microtasks run (the client batches `received` in a microtask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

export const welcome = (replyTo: string, username = 'alice', token?: string) => ({
  type: 'welcome',
  replyTo,
  username,
  online: [],
  blocked: [],
  ...(token ? { token } : {}),
})
