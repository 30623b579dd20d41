/**
 * A protocol-level chat client for tests: real `ws` over real TLS, every frame checked against the
 * server schemas and also kept raw (so tests can search them for secrets), requests sent with ids,
 * replies and events awaited by predicate with a timeout.
 * @module
 */
import { once } from 'node:events'
import {
  type ClientMessage,
  decodeServerMessage,
  type ServerMessage,
  type ServerMessageOf,
  type ServerMessageType,
  SUBPROTOCOL,
} from '@parley/protocol'
import { WebSocket } from 'ws'

export interface ProtocolConnectOptions {
  ca: Buffer
  origin?: string
  cookie?: string
  /** Subprotocols offered (default: the Parley one). */
  protocols?: string[]
  /** False: never answer pings (a dead peer as far as the heartbeat can tell). */
  autoPong?: boolean
  /** How long a wait lasts when the call names no timeout (default 10 s). */
  timeoutMs?: number
}

export interface Closed {
  code: number
  reason: string
}

/** A frame as sent: `id` is added when missing. Loosely typed so tests can also send bad frames. */
export type Outgoing = { type?: ClientMessage['type'] | (string & {}) } & Record<string, unknown>

const DEFAULT_TIMEOUT_MS = 10_000
/** The gateway refuses a `received` naming more ids than this. */
const MAX_RECEIVED_IDS = 500
let counter = 0

function upgradeHeaders(options: ProtocolConnectOptions): Record<string, string> {
  return {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.cookie ? { cookie: options.cookie } : {}),
  }
}

export class ProtocolClient {
  readonly ws: WebSocket
  readonly frames: ServerMessage[] = []
  /** Every text frame as received. */
  readonly raw: string[] = []
  /** Frames the schemas refused: a server bug; tests assert this stays empty. */
  readonly invalid: string[] = []
  readonly closed: Promise<Closed>
  closeInfo: Closed | null = null
  readonly timeoutMs: number
  readonly #waiters = new Set<() => void>()

  private constructor(ws: WebSocket, timeoutMs: number) {
    this.ws = ws
    this.timeoutMs = timeoutMs
    ws.on('message', (data) => {
      const text = String(data)
      this.raw.push(text)
      try {
        const frame = decodeServerMessage(text)
        // A batch of presence changes is seen as its `presence` frames, in order (`raw` keeps the batch).
        if (frame.type === 'presence_batch') {
          for (const change of frame.changes) this.frames.push({ type: 'presence', ...change })
        } else this.frames.push(frame)
      } catch {
        this.invalid.push(text)
      }
      this.#wake()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() }
        resolve(this.closeInfo)
        this.#wake()
      })
    })
    ws.on('error', () => undefined)
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake()
  }

  /** Opens a connection; rejects naming the HTTP status when the upgrade is refused, or with the socket's error. */
  static async connect(url: string, options: ProtocolConnectOptions): Promise<ProtocolClient> {
    const ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], {
      ca: options.ca,
      autoPong: options.autoPong ?? true,
      headers: upgradeHeaders(options),
    })
    const client = new ProtocolClient(ws, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const failed = once(ws, 'unexpected-response').then(([, res]) => {
      throw new Error(`upgrade refused with HTTP ${(res as { statusCode?: number }).statusCode}`)
    })
    const errored = once(ws, 'error').then(([error]) => {
      throw error as Error
    })
    await Promise.race([once(ws, 'open'), failed, errored])
    return client
  }

  /** The HTTP status an upgrade is refused with (fails when the upgrade succeeds). */
  static async refusedStatus(url: string, options: ProtocolConnectOptions): Promise<number> {
    const ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], {
      ca: options.ca,
      headers: upgradeHeaders(options),
    })
    ws.on('error', () => undefined)
    const [outcome] = await Promise.race([
      once(ws, 'unexpected-response').then(([, res]) => [(res as { statusCode: number }).statusCode]),
      once(ws, 'open').then(() => [0]),
    ])
    ws.terminate()
    if (outcome === 0) throw new Error('the upgrade was accepted')
    return outcome as number
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sends a frame, adding an `id` unless it has one or is a `received`; returns the id. */
  send(frame: Outgoing): string {
    const id = typeof frame.id === 'string' ? frame.id : `t${++counter}`
    const full = frame.type === 'received' || 'id' in frame ? frame : { ...frame, id }
    this.ws.send(JSON.stringify(full))
    return id
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary })
  }

  /** Sends and awaits the reply naming it (`replyTo`). */
  async request(frame: Outgoing, timeoutMs = this.timeoutMs): Promise<ServerMessage> {
    const since = this.frames.length
    const id = this.send(frame)
    return this.waitFor((f) => 'replyTo' in f && f.replyTo === id, { since, timeoutMs, what: `the reply to ${id}` })
  }

  /** Awaits a frame matching `test`, searching from index `since` (default: all frames so far). */
  async waitFor<T extends ServerMessage = ServerMessage>(
    test: (frame: ServerMessage) => boolean,
    options: { since?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const since = options.since ?? 0
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    const find = () => this.frames.slice(since).find(test) as T | undefined
    const found = find()
    if (found) return found
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        const tail = JSON.stringify(this.frames.slice(since).slice(-10))
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.what ?? test.toString()}; last frames: ${tail}`,
          ),
        )
      }, timeoutMs)
      const wake = () => {
        const frame = find()
        if (!frame) return
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve(frame)
      }
      this.#waiters.add(wake)
    })
  }

  async waitForType<T extends ServerMessageType>(
    type: T,
    test: (frame: ServerMessageOf<T>) => boolean = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<ServerMessageOf<T>> {
    return this.waitFor<ServerMessageOf<T>>((f) => f.type === type && test(f as ServerMessageOf<T>), {
      ...options,
      what: `a ${type} frame`,
    })
  }

  ofType<T extends ServerMessageType>(type: T): ServerMessageOf<T>[] {
    return this.frames.filter((f) => f.type === type) as ServerMessageOf<T>[]
  }

  /** Awaits the close, failing after the timeout. */
  async waitClosed(timeoutMs = this.timeoutMs): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection not closed after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([this.closed, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Logs in; resolves with the welcome, rejects naming the reply it got instead. */
  async login(username: string, password: string, create = false): Promise<ServerMessageOf<'welcome'>> {
    const reply = await this.request({ type: 'login', v: 1, username, password, ...(create ? { create } : {}) })
    if (reply.type !== 'welcome') throw new Error(`login refused: ${JSON.stringify(reply)}`)
    return reply
  }

  /** Confirms every message received so far, as a client does once it has shown them. */
  confirm(): void {
    const ids = this.ofType('message').map((m) => m.messageId)
    for (let i = 0; i < ids.length; i += MAX_RECEIVED_IDS) {
      this.send({ type: 'received', ids: ids.slice(i, i + MAX_RECEIVED_IDS) })
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close()
  }

  terminate(): void {
    this.ws.terminate()
  }
}
