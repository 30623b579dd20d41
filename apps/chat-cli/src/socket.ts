/**
 * Opening one WebSocket to the gateway: TLS trusting the given CA, the `parley.v1` subprotocol
 * offered and required, failures turned into one readable `ConnectionError`.
 * @module
 */
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '@parley/protocol'
import WebSocket from 'ws'

/** The first connection (or sign-in) failed: the gateway is unreachable or went away. */
export class ConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConnectionError'
  }
}

export interface SocketOptions {
  /** CA certificate(s) to trust (PEM); default: Node's list. */
  ca?: Buffer | string
  handshakeTimeoutMs: number
}

/** Resolves with an open socket that speaks the protocol, or rejects with ConnectionError. */
export function openSocket(url: string, options: SocketOptions): Promise<WebSocket> {
  const { ca, handshakeTimeoutMs } = options
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, SUBPROTOCOL, {
      ...(ca ? { ca } : {}),
      maxPayload: MAX_FRAME_BYTES * 16,
      handshakeTimeout: handshakeTimeoutMs,
    })
    const fail = (why: string, cause?: unknown) => {
      socket.removeAllListeners()
      socket.on('error', () => undefined)
      socket.terminate()
      reject(new ConnectionError(`Cannot connect to ${url}: ${why}`, { cause }))
    }
    socket.once('open', () => {
      socket.removeAllListeners()
      if (socket.protocol !== SUBPROTOCOL) return fail(`the server does not speak ${SUBPROTOCOL}`)
      resolve(socket)
    })
    socket.once('unexpected-response', (_request, response) =>
      fail(`the server answered HTTP ${response.statusCode} instead of a WebSocket upgrade`),
    )
    socket.once('error', (error) => fail(error.message || String(error), error))
    socket.once('close', (code) => fail(`closed during the handshake (code ${code})`))
  })
}
