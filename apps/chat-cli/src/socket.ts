/**
 * The terminal's transport for the shared chat client: one `ws` WebSocket to the gateway, TLS
 * trusting the given CA, the `parley.v1` subprotocol offered and required, failures turned into one
 * readable `ConnectionError`.
 * @module
 */
import { type Connect, ConnectionError, type Transport } from '@parley/chat-client'
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '@parley/protocol'
import WebSocket from 'ws'

export { ConnectionError } from '@parley/chat-client'

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

/** `Connect` for the shared client over `openSocket`. */
export function wsConnect(url: string, options: SocketOptions): Connect {
  return async (events) => {
    const socket = await openSocket(url, options)
    let closedByUs = false
    socket.on('message', (data, isBinary) => {
      if (closedByUs) return
      if (isBinary) return socket.close(1003, 'binary frames are not part of the protocol')
      events.onMessage(data.toString())
    })
    socket.on('error', () => undefined) // 'close' follows and decides what to do
    socket.on('close', (code, reason) => {
      if (!closedByUs) events.onClose(code, reason.toString())
    })
    const transport: Transport = {
      send: (text) => socket.send(text),
      close(code = 1000, reason = '') {
        closedByUs = true
        if (socket.readyState > WebSocket.OPEN) return
        socket.close(code, reason)
        // A gateway that does not answer the close must not keep the process alive.
        setTimeout(() => socket.terminate(), 2000).unref()
      },
      get isOpen() {
        return !closedByUs && socket.readyState === WebSocket.OPEN
      },
    }
    return transport
  }
}
