/**
 * A protocol-level chat client for the hardening tests: real `ws` over real TLS, every frame checked
 * against the server schemas and kept raw (so tests can search them for secrets), replies and events
 * awaited by predicate with a timeout.
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

export interface ChatConnectOptions {
  ca: Buffer
  origin?: string
  cookie?: string
}

export interface Closed {
  code: number
  reason: string
}

type Outgoing = { type?: ClientMessage['type'] | (string & {}) } & Record<string, unknown>

const TIMEOUT_MS = 15_000
let counter = 0

export class ChatClient {
  readonly ws: WebSocket
  readonly frames: ServerMessage[] = []
  /** Every text frame as received. */
  readonly raw: string[] = []
  /** Frames the schemas refused: a server bug. */
  readonly invalid: string[] = []
  readonly closed: Promise<Closed>
  closeInfo: Closed | null = null
  readonly #waiters = new Set<() => void>()

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      const text = String(data)
      this.raw.push(text)
      try {
        this.frames.push(decodeServerMessage(text))
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

  static async connect(url: string, options: ChatConnectOptions): Promise<ChatClient> {
    const ws = new WebSocket(url, [SUBPROTOCOL], {
      ca: options.ca,
      headers: {
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
    })
    const client = new ChatClient(ws)
    const failed = once(ws, 'unexpected-response').then(([, res]) => {
      throw new Error(`upgrade refused with HTTP ${(res as { statusCode?: number }).statusCode}`)
    })
    const errored = once(ws, 'error').then(([error]) => {
      throw error as Error
    })
    await Promise.race([once(ws, 'open'), failed, errored])
    return client
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sends a frame, adding an `id` unless it has one or is a `received`; returns the id. */
  send(frame: Outgoing): string {
    const id = typeof frame.id === 'string' ? frame.id : `e${++counter}`
    const full = frame.type === 'received' || 'id' in frame ? frame : { ...frame, id }
    this.ws.send(JSON.stringify(full))
    return id
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary })
  }

  async request(frame: Outgoing, timeoutMs = TIMEOUT_MS): Promise<ServerMessage> {
    const since = this.frames.length
    const id = this.send(frame)
    return this.waitFor((f) => 'replyTo' in f && f.replyTo === id, { since, timeoutMs, what: `the reply to ${id}` })
  }

  async waitFor<T extends ServerMessage = ServerMessage>(
    test: (frame: ServerMessage) => boolean,
    options: { since?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const since = options.since ?? 0
    const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
    const find = () => this.frames.slice(since).find(test) as T | undefined
    const found = find()
    if (found) return found
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        const tail = JSON.stringify(this.frames.slice(Math.max(since, this.frames.length - 5)))
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a frame'}; last: ${tail}`))
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

  async waitClosed(timeoutMs = TIMEOUT_MS): Promise<Closed> {
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

  /** Logs in; resolves with the welcome, rejects naming the error frame. */
  async login(username: string, password: string, create = false): Promise<ServerMessageOf<'welcome'>> {
    const reply = await this.request({ type: 'login', v: 1, username, password, ...(create ? { create } : {}) })
    if (reply.type !== 'welcome') throw new Error(`login refused: ${JSON.stringify(reply)}`)
    return reply
  }

  /** Confirms every message received so far, as a client does once it has shown them. */
  confirm(): void {
    const ids = this.ofType('message').map((m) => m.messageId)
    for (let i = 0; i < ids.length; i += 500) this.send({ type: 'received', ids: ids.slice(i, i + 500) })
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close()
  }

  terminate(): void {
    this.ws.terminate()
  }
}

/** A message from `from` to `to` must arrive: used to prove the gateway still serves others after an abuse. */
export async function proveService(from: ChatClient, to: ChatClient, toName: string, text: string): Promise<void> {
  const ack = await from.request({ type: 'message', to: toName, text })
  if (ack.type !== 'ack') throw new Error(`message not acked: ${JSON.stringify(ack)}`)
  await to.waitForType('message', (m) => m.text === text)
  to.confirm()
}
