/**
 * The chat client: one connection to the gateway, driven as a small state machine
 * (connecting → signing-in → joined → reconnecting → … → stopped | closed) that emits typed events.
 * The terminal client and the board's page both run it; only the transport differs (`Connect`).
 *
 * Delivery: a durable request (`message`, and on the page `broadcast`) stays in `unacked` until the
 * gateway acks it (= stored) and is resent with its ORIGINAL id after every reconnect, so the
 * gateway's dedupe stores it once. Read-only requests lost in a drop are repeated; other lost
 * requests are reported (`reply: null`). Incoming messages are passed on once (deduped by
 * messageId) and confirmed with `received`, which removes them from the gateway's offline queue.
 *
 * Sign-in: `password` (the terminal) signs in on the first connection with `login` and resumes later
 * ones with the token from `welcome`; `cookie` (the page) sends `resume` without a token on every
 * connection, and the browser's board session cookie signs it in.
 * @module
 */
import type { ServerMessage } from '@parley/protocol'
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js'
import { ErrorCode, isPolicyClose, PROTOCOL_VERSION, SIGN_IN_TIMEOUT_CLOSE } from './constants.js'
import type {
  ClientEvent,
  ClientListener,
  ClientState,
  CloseCause,
  ErrorReply,
  IdentifiedRequest,
  MessageEvent,
  Request,
  RequestType,
  SignInRequest,
  Welcome,
} from './events.js'
import { type Decode, encodeFrame, parseFrame } from './frames.js'
import { newClientId } from './ids.js'
import { ReceivedBatch, SeenIds } from './received.js'
import { type Connect, ConnectionError, type Transport } from './transport.js'

export interface ChatClientOptions {
  connect: Connect
  signIn: 'password' | 'cookie'
  /** Requests kept until acked and resent with their id; default `message` and `broadcast`. */
  durable?: Iterable<RequestType>
  /** Requests repeated when the connection drops before their reply; default the reads and (un)block. */
  repeatable?: Iterable<RequestType>
  /** Resend a durable request the gateway refused with RATE_LIMITED once the bucket refills; default true. */
  retryRateLimited?: boolean
  /** Confirm each new message as soon as listeners have seen it (the terminal prints synchronously);
   * default false: the page calls `confirm` once it has shown them. */
  autoConfirm?: boolean
  /** Any stop is final (`closed`): the terminal exits then. Default false: `reconnectNow()` starts again. */
  stopIsFinal?: boolean
  /** Text → frame; default `parseFrame` (shape only). Return null to skip a frame. */
  decode?: Decode
  backoff?: BackoffOptions
  /** For tests: the jitter source. */
  random?: () => number
}

export const DEFAULT_DURABLE: readonly RequestType[] = ['message', 'broadcast']
export const DEFAULT_REPEATABLE: readonly RequestType[] = ['history', 'whoelse', 'whoelsesince', 'block', 'unblock']
/** Refusals of `resume` that pass: try again later. */
const RETRY_RESUME = new Set<string>([ErrorCode.RateLimited, ErrorCode.StorageUnavailable])

interface Entry {
  frame: IdentifiedRequest
  /** Sign-in frames are the client's own business: no `reply` event. */
  internal: boolean
  resolve: (reply: ServerMessage | null) => void
}

export interface RequestHandle {
  id: string
  /** The reply, or null when it will never come (lost in a drop, or the client closed). */
  reply: Promise<ServerMessage | null>
}

export class ChatClient {
  readonly #options: ChatClientOptions
  readonly #durable: ReadonlySet<string>
  readonly #repeatable: ReadonlySet<string>
  readonly #decode: Decode
  readonly #listeners = new Set<ClientListener>()
  #state: ClientState = 'idle'
  #transport: Transport | null = null
  /** Bumped for every connection: callbacks of an older one are ignored. */
  #generation = 0
  #connecting = false
  #token: string | undefined
  #username: string | undefined
  #joinedOnce = false
  /** The reason of a `bye shutdown` (the gateway restarts): said when reconnecting. */
  #byeReason: 'shutdown' | null = null
  /** Every request not answered yet, by id. */
  readonly #pending = new Map<string, Entry>()
  /** Durable requests not acked yet, in the order they were made. */
  readonly #unacked = new Set<string>()
  /** Other requests to send once joined. */
  #outbox: string[] = []
  /** Ids written to the current connection. */
  readonly #written = new Set<string>()
  readonly #seen = new SeenIds()
  readonly #received: ReceivedBatch
  #timer: ReturnType<typeof setTimeout> | null = null
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>()
  /** Failed attempts since the last welcome (drives the backoff). */
  #attempt = 0
  #drainWaiters: Array<() => void> = []
  #closedWaiters: Array<() => void> = []

  constructor(options: ChatClientOptions) {
    this.#options = options
    this.#durable = new Set(options.durable ?? DEFAULT_DURABLE)
    this.#repeatable = new Set(options.repeatable ?? DEFAULT_REPEATABLE)
    this.#decode = options.decode ?? parseFrame
    this.#received = new ReceivedBatch(
      () => this.#state === 'joined',
      (ids) => this.#write({ type: 'received', ids }),
    )
  }

  get state(): ClientState {
    return this.#state
  }

  get username(): string | undefined {
    return this.#username
  }

  /** Durable requests made but not yet stored by the gateway. */
  get unackedCount(): number {
    return this.#unacked.size
  }

  on(listener: ClientListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** One attempt at the first connection; rejects (and closes) when it cannot be made. */
  async connect(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`connect() called in state ${this.#state}`)
    this.#setState('connecting')
    const generation = ++this.#generation
    try {
      this.#transport = await this.#options.connect(this.#handlers(generation))
    } catch (error) {
      this.#setState('closed')
      throw error
    }
    if (this.#options.signIn === 'cookie') this.#sendResume()
    else this.#setState('signing-in')
  }

  /** Connects, and keeps reconnecting with backoff until joined (the page). */
  start(): void {
    if (this.#state === 'idle') this.#attemptConnection()
  }

  /** Connects now: after a stop (the user pressed Reconnect) or instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.#state === 'closed' || this.#state === 'joined' || this.#connecting || this.#transport) return
    this.#clearTimer()
    this.#attempt = 0
    this.#attemptConnection()
  }

  async lookup(username: string): Promise<ServerMessage> {
    return this.#signInRequest({ type: 'lookup', id: newClientId(), username })
  }

  /** Logs in (`password` sign-in); on `welcome` the client is joined (the `joined` event fires first). */
  async login(username: string, password: string, create = false): Promise<ServerMessage> {
    const frame: SignInRequest = { type: 'login', id: newClientId(), v: PROTOCOL_VERSION, username, password }
    if (create) frame.create = true
    return this.#signInRequest(frame)
  }

  /**
   * Sends a request (without `id`). While disconnected it waits: durable requests until acked
   * (resent after each reconnect), other requests until the next sign-in.
   */
  request(command: Request): RequestHandle {
    const id = newClientId()
    if (this.#state === 'closed') return { id, reply: Promise.resolve(null) }
    const frame = { ...command, id } as IdentifiedRequest
    const reply = new Promise<ServerMessage | null>((resolve) => {
      this.#pending.set(id, { frame, internal: false, resolve })
    })
    if (this.#durable.has(frame.type)) this.#unacked.add(id)
    else this.#outbox.push(id)
    if (this.#state === 'joined') this.#flush()
    return { id, reply }
  }

  /** These messages have been shown: the gateway may drop them from the offline queue. */
  confirm(messageIds: readonly number[]): void {
    this.#received.add(messageIds)
  }

  /** Resolves once every request has been answered (durable ones: stored), or the client closed. */
  drain(): Promise<void> {
    if (this.#pending.size === 0 || this.#state === 'closed') return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  /** Logs out: resolves when the gateway has said goodbye (or at once when not joined). */
  async logout(): Promise<void> {
    if (this.#state !== 'joined') {
      this.close()
      return
    }
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve))
    void this.request({ type: 'logout' })
    await closed
  }

  /** Stops without closing for good (the page is hidden): `reconnectNow()` starts again. */
  stop(): void {
    this.#stop({ why: 'local' })
  }

  /** Stops for good: no reconnect, pending requests resolve with null. */
  close(): void {
    this.#finish({ why: 'local' })
  }

  // --- connection ------------------------------------------------------------------------

  #handlers(generation: number) {
    return {
      onMessage: (text: string) => {
        if (generation !== this.#generation) return
        const frame = this.#decode(text)
        // A gateway speaking a newer protocol version may send frames this client does not know.
        if (frame) this.#onFrame(frame)
      },
      onClose: (code: number, reason: string) => {
        if (generation !== this.#generation) return
        this.#transport = null
        this.#onClose(code, reason)
      },
    }
  }

  #attemptConnection(): void {
    if (this.#state !== 'reconnecting') this.#setState('connecting')
    this.#byeReason = null
    this.#emit({ type: 'connecting', attempt: this.#attempt + 1 })
    const generation = ++this.#generation
    this.#connecting = true
    this.#options.connect(this.#handlers(generation)).then(
      (transport) => {
        if (generation !== this.#generation) {
          transport.close(1000)
          return
        }
        this.#connecting = false
        this.#transport = transport
        this.#sendResume()
      },
      (error: unknown) => {
        if (generation !== this.#generation) return
        this.#connecting = false
        if (error instanceof ConnectionError && error.final) this.#stop({ why: 'unreachable', message: error.message })
        else this.#wait()
      },
    )
  }

  #sendResume(): void {
    if (this.#state === 'connecting') this.#setState('signing-in')
    const frame: IdentifiedRequest = { type: 'resume', id: newClientId(), v: PROTOCOL_VERSION }
    if (this.#token) frame.token = this.#token
    this.#pending.set(frame.id, { frame, internal: true, resolve: (reply) => this.#onResumeReply(reply) })
    this.#send(frame.id)
  }

  #onResumeReply(reply: ServerMessage | null): void {
    // welcome: handled with every welcome; null: that connection dropped too, #onClose goes on.
    if (reply?.type !== 'error') return
    if (RETRY_RESUME.has(reply.code)) {
      this.#dropConnection()
      this.#wait(retryAfter(reply) ?? 0)
      return
    }
    this.#stop({ why: 'session-ended', code: reply.code, message: reply.message })
  }

  #signInRequest(frame: SignInRequest): Promise<ServerMessage> {
    if (this.#state !== 'signing-in') {
      return Promise.reject(new ConnectionError(`cannot sign in while ${this.#state}`))
    }
    if (!this.#transport) {
      // Closed while the user was still typing (the sign-in window): a fresh connection for this attempt.
      const generation = ++this.#generation
      return this.#options.connect(this.#handlers(generation)).then((transport) => {
        this.#transport = transport
        return this.#signInRequest(frame)
      })
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(frame.id, {
        frame,
        internal: true,
        resolve: (reply) =>
          reply ? resolve(reply) : reject(new ConnectionError('The connection to the server was lost')),
      })
      this.#send(frame.id)
    })
  }

  #write(frame: IdentifiedRequest | { type: 'received'; ids: number[] }): boolean {
    const transport = this.#transport
    if (!transport?.isOpen) return false
    transport.send(encodeFrame(frame))
    return true
  }

  /** Writes a pending request; remembers that it is on the wire. */
  #send(id: string): boolean {
    const entry = this.#pending.get(id)
    if (!entry || !this.#write(entry.frame)) return false
    this.#written.add(id)
    return true
  }

  /** Unacked durable requests first (in the order made), then the other waiting requests. */
  #flush(): void {
    for (const id of this.#unacked) {
      if (!this.#written.has(id)) this.#send(id)
    }
    const outbox = this.#outbox
    this.#outbox = []
    for (const id of outbox) {
      if (this.#pending.has(id) && !this.#send(id)) this.#outbox.push(id)
    }
  }

  // --- incoming --------------------------------------------------------------------------

  #onFrame(frame: ServerMessage): void {
    const replyTo = 'replyTo' in frame ? frame.replyTo : undefined
    const entry = replyTo === undefined ? undefined : this.#pending.get(replyTo)
    if (entry) {
      this.#onReply(entry, frame)
      return
    }
    switch (frame.type) {
      case 'message':
        this.#onMessage(frame)
        return
      case 'bye':
        this.#emit({ type: 'push', event: frame })
        // A restarting gateway says goodbye too, but the session lives on: reconnect then.
        if (frame.reason === 'shutdown') this.#byeReason = 'shutdown'
        else this.#stop({ why: 'bye', reason: frame.reason, message: frame.message })
        return
      default:
        this.#emit({ type: 'push', event: frame })
    }
  }

  #onReply(entry: Entry, reply: ServerMessage): void {
    const { frame } = entry
    if (
      reply.type === 'error' &&
      reply.code === ErrorCode.RateLimited &&
      this.#durable.has(frame.type) &&
      this.#options.retryRateLimited !== false
    ) {
      // Not stored: send the same request again once the bucket has refilled.
      this.#written.delete(frame.id)
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer)
        if (this.#state === 'joined' && this.#unacked.has(frame.id)) this.#flush()
      }, retryAfter(reply) ?? 1000)
      this.#retryTimers.add(timer)
      return
    }
    // Any other reply is final, errors too (unknown user, blocked): resending would fail the same way.
    this.#pending.delete(frame.id)
    this.#unacked.delete(frame.id)
    this.#written.delete(frame.id)
    if (reply.type === 'welcome') this.#onWelcome(reply)
    if (!entry.internal) this.#emit({ type: 'reply', request: frame, reply })
    entry.resolve(reply)
    this.#checkDrained()
  }

  #onWelcome(welcome: Welcome): void {
    if (welcome.token) this.#token = welcome.token
    this.#username = welcome.username
    this.#attempt = 0
    const resumed = this.#joinedOnce
    this.#joinedOnce = true
    this.#setState('joined')
    this.#emit({ type: 'joined', welcome, resumed })
    this.#flush()
    this.#received.schedule()
  }

  #onMessage(message: MessageEvent): void {
    if (typeof message.messageId !== 'number') return
    if (this.#seen.add(message.messageId)) {
      this.#emit({ type: 'message', message })
      if (this.#options.autoConfirm) this.confirm([message.messageId])
    } else {
      // Pushed again after a reconnect: shown before, so only confirm it again.
      this.confirm([message.messageId])
    }
  }

  #onClose(code: number, reason: string): void {
    this.#received.clear()
    if (this.#state === 'closed' || this.#state === 'stopped') return
    this.#emit({ type: 'disconnected', code, reason })
    this.#settleWritten()
    if (this.#options.signIn === 'password' && !this.#joinedOnce) {
      // Nothing was lost when the sign-in window closed: the next sign-in request opens a new connection.
      if (code !== SIGN_IN_TIMEOUT_CLOSE) this.#finish({ why: 'local' })
      return
    }
    if (isPolicyClose(code)) {
      this.#stop({ why: 'policy', code, reason })
      return
    }
    if (this.#options.signIn === 'password' && !this.#token) {
      this.#stop({ why: 'session-ended', code: ErrorCode.Unauthorized, message: reason })
      return
    }
    this.#wait()
  }

  /** Requests that were on the wire when the connection dropped: repeat the reads, give up on the rest. */
  #settleWritten(): void {
    for (const id of this.#written) {
      const entry = this.#pending.get(id)
      if (!entry || this.#durable.has(entry.frame.type)) continue // durable: resent after the sign-in
      if (this.#repeatable.has(entry.frame.type)) {
        this.#outbox.push(id)
        continue
      }
      this.#pending.delete(id)
      if (!entry.internal) this.#emit({ type: 'reply', request: entry.frame, reply: null })
      entry.resolve(null)
    }
    this.#written.clear()
    this.#checkDrained()
  }

  #wait(minimumMs = 0): void {
    const attempt = this.#attempt++
    const delayMs = Math.max(
      minimumMs,
      backoffDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random),
    )
    this.#setState('reconnecting')
    this.#emit({ type: 'reconnecting', attempt: attempt + 1, delayMs, reason: this.#byeReason ?? 'lost' })
    this.#clearTimer()
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#attemptConnection()
    }, delayMs)
  }

  // --- bookkeeping -----------------------------------------------------------------------

  /** Closes the current connection (or disowns the one being opened) from our side: no `onClose` follows. */
  #detach(): void {
    this.#generation++
    this.#connecting = false
    const transport = this.#transport
    this.#transport = null
    transport?.close(1000)
    this.#received.clear()
  }

  /** Drops the connection to try again or stop: what was on the wire is settled as in a drop. */
  #dropConnection(): void {
    this.#detach()
    this.#settleWritten()
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }

  /** The session ended: stopped (unacked and waiting requests are kept for `reconnectNow`), or closed. */
  #stop(cause: CloseCause): void {
    if (this.#options.stopIsFinal) {
      this.#finish(cause)
      return
    }
    if (this.#state === 'closed' || this.#state === 'stopped') return
    this.#clearTimer()
    this.#dropConnection()
    this.#setState('stopped')
    this.#emit({ type: 'stopped', cause })
  }

  #finish(cause: CloseCause): void {
    if (this.#state === 'closed') return
    this.#clearTimer()
    for (const timer of this.#retryTimers) clearTimeout(timer)
    this.#retryTimers.clear()
    this.#detach()
    this.#setState('closed')
    for (const entry of this.#pending.values()) entry.resolve(null)
    this.#pending.clear()
    this.#written.clear()
    this.#outbox = []
    this.#emit({ type: 'closed', cause })
    this.#checkDrained()
    for (const resolve of this.#closedWaiters.splice(0)) resolve()
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

function retryAfter(reply: ErrorReply): number | undefined {
  return 'retryAfterMs' in reply && typeof reply.retryAfterMs === 'number' ? reply.retryAfterMs : undefined
}
