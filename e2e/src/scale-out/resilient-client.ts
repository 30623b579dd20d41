/**
 * A chat client that behaves like the CLI under faults: when its connection drops it reconnects
 * (to whichever gateway answers), resumes with its session token, and resends every message not
 * yet acknowledged with the same id; it confirms what it receives and shows each messageId once.
 * It records everything a fault test needs to prove "every acknowledged message delivered exactly
 * once": acks by client id, received messages by messageId, and any resend acknowledged with a
 * different messageId (which would be a duplicate stored).
 * @module
 */
import { randomBytes } from 'node:crypto'
import { decodeServerMessage, type ServerMessage, SUBPROTOCOL } from '@parley/protocol'
import { WebSocket } from 'ws'
import { until } from '../wait.js'

export interface ResilientChatOptions {
  username: string
  token: string
  ca: Buffer
  /** Gateway URLs to try, in order, starting with the one that worked last. */
  urls: () => string[]
}

interface Outgoing {
  to: string
  text: string
}

export class ResilientChat {
  readonly username: string
  /** Client id → messageId, once acknowledged. */
  readonly acked = new Map<string, number>()
  /** Sent, not acknowledged yet: resent after each reconnect. */
  readonly pending = new Map<string, Outgoing>()
  /** messageId → text, each shown once. */
  readonly received = new Map<number, string>()
  /** `message` frames received, duplicates included (redelivery is allowed, display is once). */
  pushes = 0
  /** Resends acknowledged with another messageId than the first ack: must stay empty. */
  readonly ackMismatches: string[] = []
  /** Error frames for messages (e.g. STORAGE_UNAVAILABLE while the database is cut). */
  readonly errors: { id: string; code: string }[] = []
  readonly presence: { user: string; state: string }[] = []
  /** Frames the protocol schemas refused: a server bug. */
  readonly invalid: string[] = []
  connections = 0
  #ws: WebSocket | null = null
  #welcomed = false
  #stopped = false
  #lastUrl = 0
  readonly #options: ResilientChatOptions

  constructor(options: ResilientChatOptions) {
    this.username = options.username
    this.#options = options
  }

  get connected(): boolean {
    return this.#welcomed && this.#ws?.readyState === WebSocket.OPEN
  }

  async start(): Promise<void> {
    await this.#connect()
    await until(
      () => this.connected,
      () => `${this.username} to sign in`,
      20_000,
    )
  }

  /** Queues a message (sent now when connected, else after the reconnect); returns its client id. */
  send(to: string, text: string): string {
    const id = randomBytes(12).toString('base64url')
    this.pending.set(id, { to, text })
    if (this.connected) this.#transmit(id)
    return id
  }

  /** Sends a pending message again now (same id), e.g. after an error frame. */
  retry(id: string): void {
    if (this.connected && this.pending.has(id)) this.#transmit(id)
  }

  #transmit(id: string): void {
    const message = this.pending.get(id)
    if (!message) return
    this.#ws!.send(JSON.stringify({ type: 'message', id, to: message.to, text: message.text }))
  }

  async #connect(): Promise<void> {
    while (!this.#stopped) {
      const urls = this.#options.urls()
      for (let step = 0; step < urls.length && !this.#stopped; step++) {
        const index = (this.#lastUrl + step) % urls.length
        if (await this.#open(urls[index]!)) {
          this.#lastUrl = index
          return
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  #open(url: string): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, [SUBPROTOCOL], { ca: this.#options.ca })
      let opened = false
      ws.on('open', () => {
        opened = true
        this.#ws = ws
        this.#welcomed = false
        this.connections += 1
        ws.send(JSON.stringify({ type: 'resume', id: 'resume', v: 1, token: this.#options.token }))
        resolve(true)
      })
      ws.on('message', (data) => this.#onFrame(ws, String(data)))
      ws.on('error', () => {
        if (!opened) resolve(false)
      })
      ws.on('close', () => {
        if (!opened) {
          resolve(false)
          return
        }
        if (this.#ws === ws) {
          this.#ws = null
          this.#welcomed = false
        }
        if (!this.#stopped) void this.#connect()
      })
    })
  }

  #onFrame(ws: WebSocket, raw: string): void {
    let frame: ServerMessage
    try {
      frame = decodeServerMessage(raw)
    } catch {
      this.invalid.push(raw)
      return
    }
    switch (frame.type) {
      case 'welcome':
        this.#welcomed = true
        for (const id of this.pending.keys()) this.#transmit(id)
        return
      case 'ack': {
        if (frame.messageId === undefined) return
        const earlier = this.acked.get(frame.replyTo)
        if (earlier !== undefined && earlier !== frame.messageId) this.ackMismatches.push(frame.replyTo)
        this.acked.set(frame.replyTo, frame.messageId)
        this.pending.delete(frame.replyTo)
        return
      }
      case 'message':
        this.pushes += 1
        if (!this.received.has(frame.messageId)) this.received.set(frame.messageId, frame.text)
        ws.send(JSON.stringify({ type: 'received', ids: [frame.messageId] }))
        return
      case 'presence':
        this.presence.push({ user: frame.user, state: frame.state })
        return
      case 'presence_batch':
        for (const change of frame.changes) this.presence.push({ user: change.user, state: change.state })
        return
      case 'error':
        if (frame.replyTo === 'resume') {
          // e.g. the database is cut: try again shortly.
          setTimeout(() => ws.close(), 200)
          return
        }
        this.errors.push({ id: frame.replyTo ?? '', code: frame.code })
        return
      default:
        return
    }
  }

  /** Drops the connection without a goodbye (as a killed client would); no reconnect. */
  stop(): void {
    this.#stopped = true
    this.#ws?.terminate()
  }
}
