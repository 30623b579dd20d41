// Parley chat in the browser: one WebSocket to the chat gateway, as a small state machine
// (connecting → joined → waiting → connecting … or stopped). No DOM here.
//
// Sign-in: the browser sends the board's session cookie with the upgrade (same site, HttpOnly: this
// script never sees it) and the page sends `resume {v:1}` without a token.
// Delivery, as in the terminal client: a `message` or `broadcast` stays in `unacked` until the
// gateway acks it (= stored) and is resent with its ORIGINAL id after every reconnect, so the
// gateway stores it once. Incoming messages are passed on once (deduped by messageId) and
// confirmed with `received` only when the page says it has shown them (`confirm`).

export const SUBPROTOCOL = 'parley.v1'
export const PROTOCOL_VERSION = 1

/** Reads that are safe to repeat when the connection dropped before the reply came. */
const REPEATABLE = new Set(['history', 'whoelse', 'whoelsesince', 'block', 'unblock'])
/** Requests the gateway stores and acks: kept until acked, resent with the same id. */
const DURABLE = new Set(['message', 'broadcast'])
/** Close codes after which reconnecting would only repeat the same refusal. */
const POLICY_CLOSE_CODES = new Set([1003, 1007, 1008, 1009])
/** `bye` reasons after which the page waits for the user instead of reconnecting. */
const FINAL_BYES = new Set(['logout', 'timeout', 'revoked', 'suspended', 'replaced'])
const SEEN_LIMIT = 10_000
const RECEIVED_CHUNK = 500

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 15_000, factor: 2 }

/** Exponential delay with "equal jitter" (half fixed, half random): never zero, never all at once. */
export function backoffDelay(attempt, options = DEFAULT_BACKOFF, random = Math.random) {
  const factor = options.factor ?? 2
  const ceiling = Math.min(options.maxMs, options.initialMs * factor ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** A random request id (16 bytes, base64url): also the dedupe key of a message's resends. */
export function newClientId() {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function parseFrame(data) {
  if (typeof data !== 'string') return null
  try {
    const frame = JSON.parse(data)
    return frame && typeof frame === 'object' && typeof frame.type === 'string' ? frame : null
  } catch {
    return null
  }
}

/**
 * Events (`on(type, listener)`):
 * - `state` {state: 'connecting'|'joined'|'waiting'|'stopped', retryInMs?, reason?, message?, code?}
 * - `welcome` the welcome frame
 * - `message` a new incoming message event (never twice for one messageId)
 * - `event` any other pushed frame (presence, broadcast, private_request, private_declined, bye)
 * - `reply` {request, reply}: the gateway's answer to a request (reply null: it will never come)
 */
export class ChatConnection {
  #url
  #WebSocket
  #backoff
  #random
  #listeners = new Map()
  #socket = null
  #state = 'idle'
  #attempt = 0
  #timer = null
  #resumeId = null
  #bye = null
  /** id → request, for every request not answered yet. */
  #pending = new Map()
  /** ids of durable requests not acked yet, in the order they were made. */
  #unacked = new Set()
  /** ids of other requests to send once joined. */
  #outbox = []
  /** ids written to the current socket. */
  #written = new Set()
  #seen = new Set()
  #receivedBatch = []
  #receivedTimer = null

  /**
   * @param {{ url: string, WebSocketImpl?: any, backoff?: { initialMs: number, maxMs: number, factor?: number },
   *   random?: () => number }} options `WebSocketImpl`: the browser's WebSocket, or one with its API.
   */
  constructor({ url, WebSocketImpl = globalThis.WebSocket, backoff = DEFAULT_BACKOFF, random = Math.random }) {
    this.#url = url
    this.#WebSocket = WebSocketImpl
    this.#backoff = backoff
    this.#random = random
  }

  get state() {
    return this.#state
  }

  /** Messages and broadcasts typed but not yet stored by the gateway. */
  get unackedCount() {
    return this.#unacked.size
  }

  on(type, listener) {
    let set = this.#listeners.get(type)
    if (!set) {
      set = new Set()
      this.#listeners.set(type, set)
    }
    set.add(listener)
    return () => set.delete(listener)
  }

  #emit(type, value) {
    for (const listener of this.#listeners.get(type) ?? []) listener(value)
  }

  #setState(state, detail = {}) {
    this.#state = state
    this.#emit('state', { state, ...detail })
  }

  start() {
    if (this.#state === 'idle') this.#connect()
  }

  /** Connects now: after a stop (the user pressed Reconnect) or instead of waiting for the backoff. */
  reconnectNow() {
    if (this.#state === 'joined' || this.#state === 'connecting') return
    clearTimeout(this.#timer)
    this.#timer = null
    this.#attempt = 0
    this.#connect()
  }

  /** Closes for good (page unload). */
  stop() {
    clearTimeout(this.#timer)
    this.#state = 'stopped'
    const socket = this.#socket
    this.#socket = null
    socket?.close(1000, 'page closed')
  }

  /**
   * Sends a request (without `id`); returns its id. While disconnected it waits: messages and
   * broadcasts until acked (resent after each reconnect), other requests until the next sign-in.
   */
  request(frame) {
    const id = newClientId()
    const request = { ...frame, id }
    this.#pending.set(id, request)
    if (DURABLE.has(request.type)) this.#unacked.add(id)
    else this.#outbox.push(id)
    if (this.#state === 'joined') this.#flush()
    return id
  }

  /** The page has shown these messages: the gateway may drop them from the offline queue. */
  confirm(messageIds) {
    this.#receivedBatch.push(...messageIds)
    if (this.#receivedTimer !== null || this.#state !== 'joined') return
    this.#receivedTimer = setTimeout(() => this.#flushReceived(), 0)
  }

  #flushReceived() {
    this.#receivedTimer = null
    if (this.#state !== 'joined') return
    const ids = [...new Set(this.#receivedBatch)]
    this.#receivedBatch = []
    for (let i = 0; i < ids.length; i += RECEIVED_CHUNK) {
      this.#write({ type: 'received', ids: ids.slice(i, i + RECEIVED_CHUNK) })
    }
  }

  #write(frame) {
    const socket = this.#socket
    if (socket?.readyState !== 1) return false
    socket.send(JSON.stringify(frame))
    return true
  }

  /** Unacked durable requests first (in the order typed), then the other waiting requests. */
  #flush() {
    for (const id of this.#unacked) {
      if (this.#written.has(id)) continue
      if (this.#write(this.#pending.get(id))) this.#written.add(id)
    }
    const outbox = this.#outbox
    this.#outbox = []
    for (const id of outbox) {
      if (!this.#pending.has(id)) continue
      if (this.#write(this.#pending.get(id))) this.#written.add(id)
      else this.#outbox.push(id)
    }
  }

  #connect() {
    this.#bye = null
    this.#setState('connecting')
    let socket
    try {
      socket = new this.#WebSocket(this.#url, SUBPROTOCOL)
    } catch (error) {
      // A malformed URL or a blocked scheme: nothing to retry.
      this.#setState('stopped', { reason: 'error', message: String(error?.message ?? error) })
      return
    }
    this.#socket = socket
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return
      this.#resumeId = newClientId()
      this.#write({ type: 'resume', id: this.#resumeId, v: PROTOCOL_VERSION })
    })
    socket.addEventListener('message', (event) => {
      if (socket !== this.#socket) return
      const frame = parseFrame(event.data)
      // A newer gateway may send frames this page does not know: skipped.
      if (frame) this.#onFrame(frame)
    })
    socket.addEventListener('close', (event) => {
      if (socket !== this.#socket) return
      this.#socket = null
      this.#onClose(event.code)
    })
  }

  #onFrame(frame) {
    if (frame.replyTo !== undefined && frame.replyTo === this.#resumeId) {
      this.#onSignIn(frame)
      return
    }
    if (frame.replyTo !== undefined) {
      this.#onReply(frame)
      return
    }
    switch (frame.type) {
      case 'message': {
        if (typeof frame.messageId !== 'number') return
        if (this.#seen.has(frame.messageId)) {
          // Pushed again after a reconnect: already shown, so only confirm it again.
          this.confirm([frame.messageId])
          return
        }
        this.#remember(frame.messageId)
        this.#emit('message', frame)
        return
      }
      case 'bye':
        this.#bye = frame
        this.#emit('event', frame)
        return
      case 'error':
        // An error naming no request (e.g. the rate limit on a `received`): nothing waits for it.
        this.#emit('event', frame)
        return
      default:
        this.#emit('event', frame)
    }
  }

  #remember(messageId) {
    this.#seen.add(messageId)
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value)
  }

  #onSignIn(frame) {
    this.#resumeId = null
    if (frame.type === 'welcome') {
      this.#attempt = 0
      this.#written.clear()
      this.#setState('joined')
      this.#emit('welcome', frame)
      this.#flush()
      if (this.#receivedBatch.length > 0) this.confirm([])
      return
    }
    if (frame.type !== 'error') return
    const socket = this.#socket
    this.#socket = null
    if (frame.code === 'RATE_LIMITED') {
      socket?.close(1000, 'retrying later')
      this.#wait(frame.retryAfterMs)
      return
    }
    const reason =
      frame.code === 'AUTH_UNAUTHORIZED'
        ? 'signed-out'
        : frame.code === 'CHAT_ALREADY_ONLINE'
          ? 'already-online'
          : frame.code === 'AUTH_SUSPENDED'
            ? 'suspended'
            : 'error'
    socket?.close(1000, 'sign-in refused')
    this.#setState('stopped', { reason, message: String(frame.message ?? ''), code: frame.code })
  }

  #onReply(frame) {
    const request = this.#pending.get(frame.replyTo)
    if (!request) return
    if (DURABLE.has(request.type) && frame.type === 'error' && frame.code === 'RATE_LIMITED') {
      // Not stored: send the same request again once the bucket has refilled.
      this.#written.delete(request.id)
      setTimeout(() => {
        if (this.#state === 'joined' && this.#unacked.has(request.id)) this.#flush()
      }, frame.retryAfterMs ?? 1000)
      return
    }
    this.#pending.delete(request.id)
    this.#unacked.delete(request.id)
    this.#written.delete(request.id)
    this.#emit('reply', { request, reply: frame })
  }

  #onClose(code) {
    clearTimeout(this.#receivedTimer)
    this.#receivedTimer = null
    // Shown but unconfirmed messages are pushed again after the next sign-in and confirmed then.
    this.#receivedBatch = []
    this.#resumeId = null
    if (this.#state === 'stopped') return
    // Requests written to the lost socket: repeat the reads, give up on the rest (no reply will come).
    for (const id of this.#written) {
      const request = this.#pending.get(id)
      if (!request || DURABLE.has(request.type)) continue
      if (REPEATABLE.has(request.type)) {
        this.#outbox.push(id)
      } else {
        this.#pending.delete(id)
        this.#emit('reply', { request, reply: null })
      }
    }
    this.#written.clear()
    const bye = this.#bye
    if (bye && FINAL_BYES.has(bye.reason)) {
      this.#setState('stopped', { reason: bye.reason, message: bye.message, code })
      return
    }
    if (POLICY_CLOSE_CODES.has(code)) {
      this.#setState('stopped', { reason: 'policy', code })
      return
    }
    this.#wait()
  }

  #wait(minimumMs = 0) {
    const delay = Math.max(minimumMs, backoffDelay(this.#attempt, this.#backoff, this.#random))
    this.#attempt += 1
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#connect()
    }, delay)
    this.#setState('waiting', { retryInMs: delay, reason: this.#bye?.reason ?? 'lost' })
  }
}
