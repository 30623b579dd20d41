// Parley chat in the browser: the page's view of the shared chat client (@parley/chat-client, the
// same state machine the terminal client runs), over the browser's WebSocket. No DOM here.
//
// Sign-in: the browser sends the board's session cookie with the upgrade (same site, HttpOnly: this
// script never sees it) and the client sends `resume {v:1}` without a token (`signIn: 'cookie'`).
// Delivery is the shared client's: a `message` or `broadcast` stays unacked until the gateway stores
// it and is resent with its ORIGINAL id after every reconnect; incoming messages are passed on once
// and confirmed with `received` only when the page says it has shown them (`confirm`).
// This file only puts the client's events in the page's terms (states with the reason to show).
import {
  backoffDelay,
  ChatClient,
  DEFAULT_BACKOFF,
  ErrorCode,
  newClientId,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  webSocketConnect,
} from '@parley/chat-client'

export { backoffDelay, DEFAULT_BACKOFF, newClientId, PROTOCOL_VERSION, SUBPROTOCOL }

/** Why the gateway refused the sign-in, as the page words it (chat-notices.js). */
const REFUSALS = {
  [ErrorCode.Unauthorized]: 'signed-out',
  [ErrorCode.AlreadyOnline]: 'already-online',
  [ErrorCode.Suspended]: 'suspended',
}

/** A stop as the page shows it: `{ reason, message?, code? }`. */
function stopDetail(cause) {
  switch (cause.why) {
    case 'bye':
      return { reason: cause.reason, message: cause.message }
    case 'session-ended':
      return { reason: REFUSALS[cause.code] ?? 'error', message: cause.message, code: cause.code }
    case 'policy':
      return { reason: 'policy', code: cause.code }
    default:
      return { reason: 'error', message: cause.message ?? '' }
  }
}

/**
 * Events (`on(type, listener)`):
 * - `state` {state: 'connecting'|'joined'|'waiting'|'stopped', retryInMs?, reason?, message?, code?}
 * - `welcome` the welcome frame
 * - `message` a new incoming message event (never twice for one messageId)
 * - `event` any other pushed frame (presence, broadcast, private_request, private_declined, bye, and
 *   frames added later)
 * - `reply` {request, reply}: the gateway's answer to a request (reply null: it will never come)
 */
export class ChatConnection {
  #client
  #listeners = new Map()
  #state = 'idle'

  /**
   * @param {{ url: string, WebSocketImpl?: any, backoff?: { initialMs: number, maxMs: number, factor?: number },
   *   random?: () => number }} options `WebSocketImpl`: the browser's WebSocket, or one with its API.
   */
  constructor({ url, WebSocketImpl = globalThis.WebSocket, backoff = DEFAULT_BACKOFF, random = Math.random }) {
    this.#client = new ChatClient({ connect: webSocketConnect(url, WebSocketImpl), signIn: 'cookie', backoff, random })
    this.#client.on((event) => this.#onClientEvent(event))
  }

  get state() {
    return this.#state
  }

  /** Messages and broadcasts typed but not yet stored by the gateway. */
  get unackedCount() {
    return this.#client.unackedCount
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

  start() {
    this.#client.start()
  }

  /** Connects now: after a stop (the user pressed Reconnect) or instead of waiting for the backoff. */
  reconnectNow() {
    this.#client.reconnectNow()
  }

  /** Stops (page hidden or closed); `reconnectNow()` starts again (back from the back/forward cache). */
  stop() {
    this.#client.stop()
  }

  /**
   * Sends a request (without `id`); returns its id. While disconnected it waits: messages and
   * broadcasts until acked (resent after each reconnect), other requests until the next sign-in.
   */
  request(frame) {
    return this.#client.request(frame).id
  }

  /** The page has shown these messages: the gateway may drop them from the offline queue. */
  confirm(messageIds) {
    this.#client.confirm(messageIds)
  }

  #emit(type, value) {
    for (const listener of this.#listeners.get(type) ?? []) listener(value)
  }

  #setState(state, detail = {}) {
    this.#state = state
    this.#emit('state', { state, ...detail })
  }

  #onClientEvent(event) {
    switch (event.type) {
      case 'connecting':
        this.#setState('connecting')
        return
      case 'state':
        if (event.state === 'joined') this.#setState('joined')
        return
      case 'joined':
        this.#emit('welcome', event.welcome)
        return
      case 'reconnecting':
        this.#setState('waiting', { retryInMs: event.delayMs, reason: event.reason })
        return
      case 'stopped':
        // The page's own stop (unload) needs no notice.
        if (event.cause.why === 'local') this.#state = 'stopped'
        else this.#setState('stopped', stopDetail(event.cause))
        return
      case 'message':
        this.#emit('message', event.message)
        return
      case 'push':
        this.#emit('event', event.event)
        return
      case 'reply':
        this.#emit('reply', { request: event.request, reply: event.reply })
        return
    }
  }
}
