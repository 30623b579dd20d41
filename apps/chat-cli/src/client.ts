/**
 * The chat client without a terminal: the shared state machine of `@parley/chat-client` over a `ws`
 * socket (socket.ts), with the terminal's policy: password sign-in (`lookup`, `login`), then resume
 * with the token from `welcome`; only `message` is durable; each message is confirmed as soon as it
 * is printed; any end of the session is final (the process exits). This file only adapts the shared
 * client to promises and to the events the terminal view reads (client-events.ts).
 * @module
 */
import {
  type BackoffOptions,
  ConnectionError,
  type Request,
  ChatClient as SharedChatClient,
  type ChatClient as SharedClient,
} from '@parley/chat-client'
import { decodeServerMessage, type ServerMessage, type ServerMessageOf } from '@parley/protocol'
import type { ClientEvent, ClientListener, ClientState, ErrorReply, UserRequest, Welcome } from './client-events.js'
import { wsConnect } from './socket.js'

export { newClientId } from '@parley/chat-client'
export type { ClientEvent, ClientListener, ClientState, CloseCause, UserRequest, Welcome } from './client-events.js'
export { ConnectionError } from './socket.js'

export interface ChatClientOptions {
  /** `wss://host:port/` of the gateway. */
  url: string
  /** CA certificate(s) to trust for the gateway's TLS certificate (PEM). */
  ca?: Buffer | string
  backoff?: BackoffOptions
  /** For tests: the jitter source. */
  random?: () => number
  /** Gives up on a connection attempt after this long; default 10 s. */
  handshakeTimeoutMs?: number
}

/** The protocol's validating decoder: a frame this client does not know (a newer gateway's) is skipped. */
function decode(text: string): ServerMessage | null {
  try {
    return decodeServerMessage(text)
  } catch {
    return null
  }
}

export class ChatClient {
  readonly #client: SharedClient

  constructor(options: ChatClientOptions) {
    const { url, ca, handshakeTimeoutMs = 10_000 } = options
    this.#client = new SharedChatClient({
      connect: wsConnect(url, { ...(ca ? { ca } : {}), handshakeTimeoutMs }),
      signIn: 'password',
      durable: ['message'],
      repeatable: ['whoelse', 'whoelsesince', 'history'],
      retryRateLimited: false,
      autoConfirm: true,
      stopIsFinal: true,
      decode,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.random ? { random: options.random } : {}),
    })
  }

  get state(): ClientState {
    return this.#client.state as ClientState
  }

  get username(): string | undefined {
    return this.#client.username
  }

  /** Messages typed but not yet stored by the gateway. */
  get unackedCount(): number {
    return this.#client.unackedCount
  }

  on(listener: ClientListener): () => void {
    return this.#client.on((event) => {
      const mapped = terminalEvent(event)
      if (mapped) listener(mapped)
    })
  }

  /** Opens the first connection; rejects with ConnectionError when the gateway cannot be reached. */
  connect(): Promise<void> {
    return this.#client.connect()
  }

  async lookup(username: string): Promise<ServerMessageOf<'lookup'> | ErrorReply> {
    const reply = await this.#client.lookup(username)
    if (reply.type === 'lookup' || reply.type === 'error') return reply
    throw new ConnectionError(`unexpected reply '${reply.type}' to lookup`)
  }

  /** Logs in; on `welcome` the client is joined (the `joined` event fires first). */
  async login(username: string, password: string, create = false): Promise<Welcome | ErrorReply> {
    const reply = await this.#client.login(username, password, create)
    if (reply.type === 'welcome' || reply.type === 'error') return reply
    throw new ConnectionError(`unexpected reply '${reply.type}' to login`)
  }

  /**
   * Sends a user request. Resolves with the gateway's reply (also emitted as a `reply` event), or
   * null when it will never come (connection lost for a non-repeatable request, or client closed).
   */
  request(command: UserRequest): Promise<ServerMessage | null> {
    return this.#client.request(command as Request).reply
  }

  /** Resolves once every request has been answered (messages: stored), or the client closed. */
  drain(): Promise<void> {
    return this.#client.drain()
  }

  /** Logs out: resolves when the gateway has said goodbye and closed (or at once when disconnected). */
  logout(): Promise<void> {
    return this.#client.logout()
  }

  /** Stops at once: no reconnect, pending requests resolve with null. */
  close(): void {
    this.#client.close()
  }
}

/** The shared client's events in the terminal's terms: a reply that will not come is `lost`. */
function terminalEvent(event: Parameters<Parameters<SharedClient['on']>[0]>[0]): ClientEvent | null {
  switch (event.type) {
    case 'connecting':
    case 'stopped':
      return null
    case 'reply':
      return event.reply === null
        ? { type: 'lost', request: event.request }
        : { type: 'reply', request: event.request, reply: event.reply }
    case 'reconnecting':
      return { type: 'reconnecting', attempt: event.attempt, delayMs: event.delayMs }
    case 'state':
      return { type: 'state', state: event.state as ClientState }
    default:
      return event as ClientEvent
  }
}
