/**
 * The one thing that differs between the terminal and the page: how a socket is opened. The client
 * gets a `Connect` function and sees only an open `Transport`: Node's `ws` (with its CA and
 * handshake checks) in the CLI, the browser's `WebSocket` on the page (`webSocketConnect` here).
 * @module
 */
import { SUBPROTOCOL } from './constants.js'

/** An open connection to the gateway. */
export interface Transport {
  send(text: string): void
  /** Closes (and, if the other side does not answer, drops) the connection; `onClose` is not called after this. */
  close(code?: number, reason?: string): void
  /** Whether `send` still reaches the gateway. */
  readonly isOpen: boolean
}

export interface TransportEvents {
  /** A text frame. */
  onMessage(text: string): void
  /** The connection closed (not called after our own `close`). */
  onClose(code: number, reason: string): void
}

/** Opens a connection; rejects with a `ConnectionError` when it cannot be opened. */
export type Connect = (events: TransportEvents) => Promise<Transport>

/**
 * The connection could not be opened, or was lost before the sign-in was answered. `final`: trying
 * again cannot help (e.g. a malformed URL).
 */
export class ConnectionError extends Error {
  readonly final: boolean
  constructor(message: string, options: ErrorOptions & { final?: boolean } = {}) {
    super(message, options)
    this.name = 'ConnectionError'
    this.final = options.final ?? false
  }
}

/** The part of the browser's WebSocket API the client uses (also what `ws` offers). */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'message' | 'close', listener: (event: WebSocketEventLike) => void): void
}
export interface WebSocketEventLike {
  data?: unknown
  code?: number
  reason?: string
}
export type WebSocketConstructor = new (url: string, protocol: string) => WebSocketLike

const OPEN = 1

/** `Connect` over the browser's `WebSocket` (or a class with its API), offering the `parley.v1` subprotocol. */
export function webSocketConnect(url: string, WebSocketImpl: WebSocketConstructor): Connect {
  return (events) =>
    new Promise((resolve, reject) => {
      let socket: WebSocketLike
      try {
        socket = new WebSocketImpl(url, SUBPROTOCOL)
      } catch (cause) {
        // A malformed URL or a blocked scheme: nothing to retry.
        const message = cause instanceof Error ? cause.message : String(cause)
        reject(new ConnectionError(message, { cause, final: true }))
        return
      }
      let state: 'opening' | 'open' | 'closed' = 'opening'
      const transport: Transport = {
        send: (text) => socket.send(text),
        close(code = 1000, reason = '') {
          state = 'closed'
          socket.close(code, reason)
        },
        get isOpen() {
          return state === 'open' && socket.readyState === OPEN
        },
      }
      socket.addEventListener('open', () => {
        if (state !== 'opening') return
        state = 'open'
        resolve(transport)
      })
      socket.addEventListener('message', (event) => {
        // Binary frames are not part of the protocol: skipped, like frames of a newer protocol.
        if (state === 'open' && typeof event.data === 'string') events.onMessage(event.data)
      })
      socket.addEventListener('close', (event) => {
        const code = event.code ?? 1006
        if (state === 'opening') {
          state = 'closed'
          reject(new ConnectionError(`the connection closed before it opened (code ${code})`))
        } else if (state === 'open') {
          state = 'closed'
          events.onClose(code, event.reason ?? '')
        }
      })
    })
}
