/**
 * A protocol-level test client: real `ws` over real TLS, frames validated against the server
 * schemas, requests sent with ids, replies and events awaited by predicate with a timeout.
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

export interface ConnectOptions {
  ca: Buffer
  origin?: string
  cookie?: string
  protocols?: string[]
  /** False: never answer pings (a dead peer as far as the heartbeat can tell). */
  autoPong?: boolean
}

export interface Closed {
  code: number
  reason: string
}

/** A frame as sent: `id` is added when missing. Loosely typed so tests can also send bad frames. */
type Outgoing = { type?: ClientMessage['type'] | (string & {}) } & Record<string, unknown>

const DEFAULT_TIMEOUT_MS = 10_000
let counter = 0

export class TestClient {
  readonly ws: WebSocket
  readonly frames: ServerMessage[] = []
  /** Frames the schemas refused: a server bug; tests assert this stays empty. */
  readonly invalid: string[] = []
  readonly closed: Promise<Closed>
  #waiters = new Set<() => void>()

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      const raw = String(data)
      try {
        this.frames.push(decodeServerMessage(raw))
      } catch {
        this.invalid.push(raw)
      }
      for (const wake of [...this.#waiters]) wake()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const wake of [...this.#waiters]) wake()
      })
    })
    ws.on('error', () => undefined)
  }

  static async connect(url: string, options: ConnectOptions): Promise<TestClient> {
    const ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], {
      ca: options.ca,
      autoPong: options.autoPong ?? true,
      headers: {
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
    })
    const client = new TestClient(ws)
    const opened = once(ws, 'open')
    const failed = once(ws, 'unexpected-response').then(([, res]) => {
      throw new Error(`upgrade refused with HTTP ${(res as { statusCode?: number }).statusCode}`)
    })
    await Promise.race([opened, failed])
    return client
  }

  /** The HTTP status an upgrade is refused with (fails when the upgrade succeeds). */
  static async refusedStatus(url: string, options: ConnectOptions): Promise<number> {
    const ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], {
      ca: options.ca,
      headers: {
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
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

  /** Sends a frame (an `id` is added unless it has one, or it is a `received`); returns its id. */
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
  async request(frame: Outgoing, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerMessage> {
    const since = this.frames.length
    const id = this.send(frame)
    return this.waitFor((f) => 'replyTo' in f && f.replyTo === id, { since, timeoutMs })
  }

  /** Awaits a frame of a type matching `test`, searching from index `since` (default: all frames so far). */
  async waitFor<T extends ServerMessage = ServerMessage>(
    test: (frame: ServerMessage) => boolean,
    options: { since?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const since = options.since ?? 0
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const find = () => this.frames.slice(since).find(test) as T | undefined
    const found = find()
    if (found) return found
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.what ?? test.toString()}; last frames: ${JSON.stringify(
              this.frames.slice(since).slice(-10),
            )}`,
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
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not closed after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([this.closed, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Logs in; resolves with the welcome or rejects with the error frame's code. */
  async login(username: string, password: string, create = false): Promise<ServerMessageOf<'welcome'>> {
    const reply = await this.request({ type: 'login', v: 1, username, password, ...(create ? { create } : {}) })
    if (reply.type !== 'welcome') throw new Error(`login refused: ${JSON.stringify(reply)}`)
    return reply
  }

  /** Confirms every message received so far (as a client does once it has shown them). */
  confirm(): void {
    const ids = this.ofType('message').map((m) => m.messageId)
    if (ids.length > 0) this.send({ type: 'received', ids })
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close()
  }

  terminate(): void {
    this.ws.terminate()
  }
}
