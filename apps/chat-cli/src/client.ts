/**
 * The chat client without a terminal: one WebSocket to the gateway, driven as a small state machine
 * (connecting → signing-in → joined → reconnecting → … → closed) that emits typed events.
 *
 * Delivery: every `message` stays in `unacked` until the gateway acks it (= stored). After a
 * dropped connection the client resumes its session with the token from `welcome` and resends
 * them with their ORIGINAL ids, so the gateway's dedupe stores each once. Incoming messages are
 * shown once (deduped by messageId) and answered with `received`, which removes them from the
 * gateway's offline queue.
 * @module
 */
import { randomBytes } from 'node:crypto'
import {
  type ClientMessage,
  decodeServerMessage,
  ErrorCode,
  encode,
  PROTOCOL_VERSION,
  type ServerMessage,
  type ServerMessageOf,
} from '@parley/protocol'
import WebSocket from 'ws'
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js'
import type {
  ClientEvent,
  ClientListener,
  ClientState,
  CloseCause,
  ErrorReply,
  IdentifiedRequest,
  MessageEvent,
  UserRequest,
  Welcome,
} from './client-events.js'
import { ConnectionError, openSocket } from './socket.js'

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

interface Pending {
  frame: IdentifiedRequest
  /** Written to the current socket (a drop then means "no reply will come"). */
  sent: boolean
  /** Sign-in frames are the client's own business: no `reply` event. */
  internal: boolean
  resolve: (reply: ServerMessage | null) => void
}

/** Requests that are safe to repeat after a drop: they only read. */
const REPEATABLE = new Set<ClientMessage['type']>(['whoelse', 'whoelsesince', 'history'])
/** Close codes after which reconnecting would only repeat the same violation. */
const POLICY_CLOSE_CODES = new Set([1003, 1007, 1008, 1009])
/** The gateway closes a connection that has not signed in within its window (someone slow to type). */
const SIGN_IN_TIMEOUT_CLOSE = 4004
/** Remember this many incoming message ids for dedupe. */
const SEEN_LIMIT = 10_000

export function newClientId(): string {
  return randomBytes(12).toString('base64url')
}

export class ChatClient {
  readonly #options: ChatClientOptions
  readonly #listeners = new Set<ClientListener>()
  #state: ClientState = 'idle'
  #socket: WebSocket | null = null
  #token: string | undefined
  #username: string | undefined
  /** `message` frames not acked yet, in the order they were typed. */
  readonly #unacked = new Map<string, IdentifiedRequest>()
  readonly #pending = new Map<string, Pending>()
  /** Requests made while disconnected, sent after the session resumes. */
  #outbox: IdentifiedRequest[] = []
  readonly #seen = new Set<number>()
  #receivedBatch: number[] = []
  #stopping = false
  #reconnectTimer: NodeJS.Timeout | null = null
  /** Failed reconnect attempts since the last successful resume (drives the backoff). */
  #attempt = 0
  #drainWaiters: Array<() => void> = []
  #closedWaiters: Array<() => void> = []

  constructor(options: ChatClientOptions) {
    this.#options = options
  }

  get state(): ClientState {
    return this.#state
  }

  get username(): string | undefined {
    return this.#username
  }

  /** Messages typed but not yet stored by the gateway. */
  get unackedCount(): number {
    return this.#unacked.size
  }

  on(listener: ClientListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Opens the first connection; rejects with ConnectionError when the gateway cannot be reached. */
  async connect(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`connect() called in state ${this.#state}`)
    this.#setState('connecting')
    try {
      this.#attach(await this.#open())
    } catch (error) {
      this.#setState('closed')
      throw error
    }
    this.#setState('signing-in')
  }

  async lookup(username: string): Promise<ServerMessageOf<'lookup'> | ErrorReply> {
    const reply = await this.#signInRequest({ type: 'lookup', id: newClientId(), username })
    if (reply.type === 'lookup' || reply.type === 'error') return reply
    throw new ConnectionError(`unexpected reply '${reply.type}' to lookup`)
  }

  /** Logs in; on `welcome` the client is joined (the `joined` event fires first). */
  async login(username: string, password: string, create = false): Promise<Welcome | ErrorReply> {
    const frame: IdentifiedRequest = { type: 'login', id: newClientId(), v: PROTOCOL_VERSION, username, password }
    if (create) frame.create = true
    const reply = await this.#signInRequest(frame)
    if (reply.type === 'welcome' || reply.type === 'error') return reply
    throw new ConnectionError(`unexpected reply '${reply.type}' to login`)
  }

  /**
   * Sends a user request. Resolves with the gateway's reply (also emitted as a `reply` event), or
   * null when it will never come (connection lost for a non-repeatable request, or client closed).
   */
  request(command: UserRequest): Promise<ServerMessage | null> {
    if (this.#state === 'closed' || this.#stopping) return Promise.resolve(null)
    const frame = { ...command, id: newClientId() } as IdentifiedRequest
    if (frame.type === 'message') this.#unacked.set(frame.id, frame)
    const promise = new Promise<ServerMessage | null>((resolve) => {
      this.#pending.set(frame.id, { frame, sent: false, internal: false, resolve })
    })
    if (this.#state === 'joined') this.#write(frame)
    else if (frame.type !== 'message') this.#outbox.push(frame)
    return promise
  }

  /** Resolves once every request has been answered (messages: stored), or the client closed. */
  drain(): Promise<void> {
    if (this.#pending.size === 0 || this.#state === 'closed') return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  /** Logs out: resolves when the gateway has said goodbye and closed (or at once when disconnected). */
  async logout(): Promise<void> {
    if (this.#state === 'joined') {
      const closed = this.#whenClosed()
      void this.request({ type: 'logout' })
      await closed
    } else {
      this.close()
    }
  }

  /** Stops at once: no reconnect, pending requests resolve with null. */
  close(): void {
    this.#finish({ why: 'local' })
  }

  // --- connection ------------------------------------------------------------------------

  #open(): Promise<WebSocket> {
    const { url, ca, handshakeTimeoutMs = 10_000 } = this.#options
    return openSocket(url, { ...(ca ? { ca } : {}), handshakeTimeoutMs })
  }

  #attach(socket: WebSocket): void {
    this.#socket = socket
    socket.on('message', (data, isBinary) => {
      if (socket !== this.#socket) return
      if (isBinary) return socket.close(1003, 'binary frames are not part of the protocol')
      let frame: ServerMessage
      try {
        frame = decodeServerMessage(data.toString())
      } catch {
        // A gateway speaking a newer protocol version may send frames this client does not know.
        return
      }
      this.#onFrame(frame)
    })
    socket.on('error', () => undefined) // 'close' follows and decides what to do
    socket.on('close', (code, reason) => {
      if (socket === this.#socket) this.#onClose(code, reason.toString())
    })
  }

  #write(frame: ClientMessage): void {
    const socket = this.#socket
    if (!socket || socket.readyState !== WebSocket.OPEN) return
    socket.send(encode(frame))
    const pending = 'id' in frame ? this.#pending.get(frame.id) : undefined
    if (pending) pending.sent = true
  }

  #signInRequest(frame: IdentifiedRequest): Promise<ServerMessage> {
    if (this.#state !== 'signing-in') {
      return Promise.reject(new ConnectionError(`cannot sign in while ${this.#state}`))
    }
    if (!this.#socket) {
      // Closed while the user was still typing: a fresh connection for this attempt.
      return this.#open().then((socket) => {
        this.#attach(socket)
        return this.#signInRequest(frame)
      })
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(frame.id, {
        frame,
        sent: false,
        internal: true,
        resolve: (reply) =>
          reply ? resolve(reply) : reject(new ConnectionError('The connection to the server was lost')),
      })
      this.#write(frame)
    })
  }

  // --- incoming --------------------------------------------------------------------------

  #onFrame(frame: ServerMessage): void {
    const replyTo = 'replyTo' in frame ? frame.replyTo : undefined
    const pending = replyTo === undefined ? undefined : this.#pending.get(replyTo)
    if (pending) {
      this.#onReply(pending, frame)
      return
    }
    switch (frame.type) {
      case 'message':
        this.#onMessage(frame)
        return
      case 'bye':
        // A restarting gateway says goodbye too, but the session lives on: reconnect then.
        if (frame.reason !== 'shutdown') this.#stopping = true
        this.#emit({ type: 'push', event: frame })
        if (frame.reason !== 'shutdown') this.#finish({ why: 'bye', reason: frame.reason, message: frame.message })
        return
      default:
        this.#emit({ type: 'push', event: frame })
    }
  }

  #onReply(pending: Pending, reply: ServerMessage): void {
    const { frame } = pending
    this.#pending.delete(frame.id)
    if (frame.type === 'message' && (reply.type === 'ack' || reply.type === 'error')) {
      // An error reply is final too (unknown user, blocked): resending would fail the same way.
      this.#unacked.delete(frame.id)
    }
    if (reply.type === 'welcome') this.#onWelcome(reply, frame.type === 'resume')
    if (!pending.internal) this.#emit({ type: 'reply', request: frame, reply })
    pending.resolve(reply)
    this.#checkDrained()
  }

  #onWelcome(welcome: Welcome, resumed: boolean): void {
    if (welcome.token) this.#token = welcome.token
    this.#username = welcome.username
    this.#attempt = 0
    this.#setState('joined')
    this.#emit({ type: 'joined', welcome, resumed })
    // Unacked messages first, in the order typed, with their original ids; then what waited.
    for (const frame of this.#unacked.values()) {
      const pending = this.#pending.get(frame.id)
      if (pending) pending.sent = false
      this.#write(frame)
    }
    const outbox = this.#outbox
    this.#outbox = []
    for (const frame of outbox) this.#write(frame)
  }

  #onMessage(message: MessageEvent): void {
    if (!this.#seen.has(message.messageId)) {
      this.#seen.add(message.messageId)
      if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!)
      this.#emit({ type: 'message', message })
    }
    // Shown now (listeners print synchronously) or shown before: either way it may leave the queue.
    this.#receivedBatch.push(message.messageId)
    if (this.#receivedBatch.length === 1) queueMicrotask(() => this.#flushReceived())
  }

  #flushReceived(): void {
    const ids = this.#receivedBatch
    this.#receivedBatch = []
    // Unacknowledged ids are simply redelivered after a reconnect and deduped then.
    for (let start = 0; start < ids.length; start += 500) {
      this.#write({ type: 'received', ids: ids.slice(start, start + 500) })
    }
  }

  #onClose(code: number, reason: string): void {
    this.#socket = null
    this.#receivedBatch = []
    if (this.#state === 'closed') return
    this.#emit({ type: 'disconnected', code, reason })
    if (this.#stopping) {
      this.#finish({ why: 'local' })
      return
    }
    if (this.#state === 'signing-in' && code === SIGN_IN_TIMEOUT_CLOSE) {
      // Nothing was lost: the next sign-in request opens a new connection.
      this.#settleUnanswered()
      return
    }
    if (this.#state !== 'joined' && this.#state !== 'reconnecting') {
      // Lost during sign-in: nothing to resume.
      this.#finish({ why: 'local' })
      return
    }
    if (POLICY_CLOSE_CODES.has(code) || (code >= 4000 && code < 5000)) {
      this.#finish({ why: 'policy', code, reason })
      return
    }
    if (!this.#token) {
      this.#finish({ why: 'session-ended', code: ErrorCode.Unauthorized, message: reason })
      return
    }
    this.#settleUnanswered()
    this.#setState('reconnecting')
    this.#scheduleReconnect()
  }

  /** Requests that were on the wire when the connection dropped. */
  #settleUnanswered(): void {
    for (const [id, pending] of this.#pending) {
      if (!pending.sent) continue
      const { frame } = pending
      if (frame.type === 'message') continue // resent after resume
      if (REPEATABLE.has(frame.type)) {
        pending.sent = false
        this.#outbox.push(frame)
        continue
      }
      this.#pending.delete(id)
      if (!pending.internal) this.#emit({ type: 'lost', request: frame })
      pending.resolve(null)
    }
    this.#checkDrained()
  }

  #scheduleReconnect(): void {
    const attempt = this.#attempt++
    const delayMs = backoffDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random)
    this.#emit({ type: 'reconnecting', attempt: attempt + 1, delayMs })
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null
      void this.#reconnect()
    }, delayMs)
  }

  async #reconnect(): Promise<void> {
    let socket: WebSocket
    try {
      socket = await this.#open()
    } catch {
      if (this.#state === 'reconnecting') this.#scheduleReconnect()
      return
    }
    if (this.#state !== 'reconnecting') {
      socket.close(1000)
      return
    }
    this.#attach(socket)
    const id = newClientId()
    const resume: IdentifiedRequest = { type: 'resume', id, v: PROTOCOL_VERSION }
    if (this.#token) resume.token = this.#token
    const reply = await new Promise<ServerMessage | null>((resolve) => {
      this.#pending.set(id, { frame: resume, sent: false, internal: true, resolve })
      this.#write(resume)
    })
    if (reply?.type === 'error') {
      const retry = reply.code === ErrorCode.RateLimited || reply.code === ErrorCode.StorageUnavailable
      if (retry) {
        socket.close(1000)
        return
      }
      this.#finish({ why: 'session-ended', code: reply.code, message: reply.message })
    }
    // reply === null: that connection dropped too; #onClose already scheduled the next attempt.
  }

  // --- bookkeeping -----------------------------------------------------------------------

  #finish(cause: CloseCause): void {
    if (this.#state === 'closed') return
    this.#stopping = true
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = null
    const socket = this.#socket
    this.#socket = null
    if (socket && socket.readyState <= WebSocket.OPEN) {
      // After a bye the gateway closes; close from our side too so the process can exit.
      socket.on('error', () => undefined)
      socket.close(1000)
      const timer = setTimeout(() => socket.terminate(), 2000)
      timer.unref()
    }
    this.#setState('closed')
    for (const pending of this.#pending.values()) pending.resolve(null)
    this.#pending.clear()
    this.#outbox = []
    this.#emit({ type: 'closed', cause })
    this.#checkDrained()
    for (const resolve of this.#closedWaiters.splice(0)) resolve()
  }

  #whenClosed(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve()
    return new Promise((resolve) => this.#closedWaiters.push(resolve))
  }

  #checkDrained(): void {
    if (this.#pending.size > 0 && this.#state !== 'closed') return
    for (const resolve of this.#drainWaiters.splice(0)) resolve()
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return
    this.#state = state
    this.#emit({ type: 'state', state })
  }

  #emit(event: ClientEvent): void {
    for (const listener of this.#listeners) listener(event)
  }
}
