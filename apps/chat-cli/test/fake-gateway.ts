/**
 * A tiny gateway for client tests: real TLS and a real `ws` server speaking the protocol schemas,
 * with knobs to hold acks, drop connections and refuse reconnects. Not the real gateway: the
 * client's state machine is tested against behaviour the test controls exactly.
 */
import { once } from 'node:events'
import { mkdtemp } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CertFiles, ensureCerts } from '@parley/certs'
import {
  type ClientMessage,
  decodeClientMessage,
  encode,
  PROTOCOL_VERSION,
  type ServerMessage,
  SUBPROTOCOL,
} from '@parley/protocol'
import { type WebSocket, WebSocketServer } from 'ws'

export interface Received {
  connection: number
  frame: ClientMessage
}

export class FakeGateway {
  readonly server: Server
  readonly wss: WebSocketServer
  readonly certs: CertFiles
  /** Every frame received, with the connection number it came on. */
  readonly received: Received[] = []
  /** Stored messages by client id (the dedupe the real gateway does). */
  readonly stored = new Map<string, { messageId: number; to: string; text: string }>()
  readonly sockets: WebSocket[] = []
  /** While true, `message` frames are recorded but not acked. */
  holdAcks = false
  /** While false, upgrades are refused with 503. */
  accepting = true
  /** The token the next `resume` must present; null refuses every resume. */
  validToken: string | null = 'token-1'
  selectProtocol = true
  #connections = 0
  #nextMessageId = 1
  #waiters: Array<() => void> = []

  private constructor(server: Server, wss: WebSocketServer, certs: CertFiles) {
    this.server = server
    this.wss = wss
    this.certs = certs
  }

  static async start(): Promise<FakeGateway> {
    const certs = await ensureCerts(await mkdtemp(join(tmpdir(), 'parley-cli-certs-')))
    const server = createServer({ cert: certs.cert, key: certs.key })
    let gateway: FakeGateway
    const wss: WebSocketServer = new WebSocketServer({
      server,
      verifyClient: (_info, done) => (gateway.accepting ? done(true) : done(false, 503)),
      handleProtocols: (protocols) => (gateway.selectProtocol && protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    })
    gateway = new FakeGateway(server, wss, certs)
    wss.on('connection', (socket: WebSocket) => gateway.#onConnection(socket))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return gateway
  }

  get url(): string {
    return `wss://localhost:${(this.server.address() as AddressInfo).port}/`
  }

  get connections(): number {
    return this.#connections
  }

  /** Resolves when `predicate` holds, re-checked after every received frame or connection. */
  async until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  framesOf<T extends ClientMessage['type']>(type: T): Array<Received & { frame: Extract<ClientMessage, { type: T }> }> {
    return this.received.filter((r) => r.frame.type === type) as Array<
      Received & { frame: Extract<ClientMessage, { type: T }> }
    >
  }

  /** Sends to the newest connection. */
  push(frame: ServerMessage): void {
    this.sockets.at(-1)?.send(encode(frame))
  }

  /** Cuts every connection without a close handshake (like a crash or a network drop). */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate()
  }

  /** Acks every held message (as if storage caught up). */
  ackHeld(): void {
    for (const { frame, connection } of this.framesOf('message')) {
      const socket = this.sockets[connection - 1]
      if (socket && socket.readyState === socket.OPEN) this.#ackMessage(socket, frame)
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate()
    this.wss.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  #onConnection(socket: WebSocket): void {
    const connection = ++this.#connections
    this.sockets.push(socket)
    this.#wake()
    socket.on('message', (data) => {
      const frame = decodeClientMessage(data.toString())
      this.received.push({ connection, frame })
      this.#handle(socket, frame)
      this.#wake()
    })
  }

  #send(socket: WebSocket, frame: ServerMessage): void {
    socket.send(encode(frame))
  }

  #welcome(socket: WebSocket, replyTo: string, username: string): void {
    this.#send(socket, {
      type: 'welcome',
      replyTo,
      v: PROTOCOL_VERSION,
      username,
      token: 'token-1',
      timeoutSeconds: 600,
      online: ['luke'],
      blocked: [],
    })
  }

  #ackMessage(socket: WebSocket, frame: Extract<ClientMessage, { type: 'message' }>): void {
    let stored = this.stored.get(frame.id)
    if (!stored) {
      stored = { messageId: this.#nextMessageId++, to: frame.to, text: frame.text }
      this.stored.set(frame.id, stored)
    }
    this.#send(socket, { type: 'ack', replyTo: frame.id, messageId: stored.messageId, delivered: true })
  }

  #handle(socket: WebSocket, frame: ClientMessage): void {
    switch (frame.type) {
      case 'lookup':
        this.#send(socket, {
          type: 'lookup',
          replyTo: frame.id,
          username: frame.username,
          exists: true,
          canCreate: true,
        })
        return
      case 'login':
        if (frame.password !== 'pw') {
          this.#send(socket, {
            type: 'error',
            replyTo: frame.id,
            code: 'AUTH_INVALID_CREDENTIALS',
            message: 'Invalid username or password',
          })
          return
        }
        this.#welcome(socket, frame.id, frame.username)
        return
      case 'resume':
        if (this.validToken === null || frame.token !== this.validToken) {
          this.#send(socket, { type: 'error', replyTo: frame.id, code: 'AUTH_UNAUTHORIZED', message: 'expired' })
          return
        }
        this.#welcome(socket, frame.id, 'hans')
        return
      case 'message':
        if (!this.holdAcks) this.#ackMessage(socket, frame)
        return
      case 'whoelse':
        this.#send(socket, { type: 'users', replyTo: frame.id, users: ['luke', 'yoda'] })
        return
      case 'logout':
        this.#send(socket, { type: 'bye', reason: 'logout', message: 'Goodbye' })
        socket.close(1000)
        return
      case 'broadcast':
        // Never answered: the tests use it for a request lost in a drop.
        return
      default:
        return
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }
}
