/**
 * Checks made on the HTTP upgrade request, before a WebSocket exists: the client must offer the
 * `parley.v1` subprotocol, a browser page (it sends `Origin`) must come from the allow-list, and
 * the board's session cookie is read only from allowed pages (no cross-site WebSocket hijacking).
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { SUBPROTOCOL } from '@parley/protocol'

/** The board's session cookie, by @parley/auth's name for it. */
export { SESSION_COOKIE } from '@parley/auth'

export interface UpgradeRefusal {
  status: number
  message: string
}

/** The subprotocols a client offers (`Sec-WebSocket-Protocol: a, b`). */
export function offeredProtocols(header: string | undefined): Set<string> {
  return new Set(
    (header ?? '')
      .split(',')
      .map((protocol) => protocol.trim())
      .filter((protocol) => protocol !== ''),
  )
}

/** One cookie's value from a `Cookie` header, URL-decoded; null when absent or malformed. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value) || null
    } catch {
      return null
    }
  }
  return null
}

export function checkUpgrade(req: IncomingMessage, allowedOrigins: readonly string[]): UpgradeRefusal | null {
  if (!offeredProtocols(req.headers['sec-websocket-protocol']).has(SUBPROTOCOL)) {
    return { status: 400, message: `Offer the WebSocket subprotocol ${SUBPROTOCOL}` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !allowedOrigins.includes(origin)) {
    return { status: 403, message: 'This page may not connect to the chat (Origin not allowed)' }
  }
  return null
}

/** Answers a refused upgrade with a plain HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = `${refusal.message}\n`
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
