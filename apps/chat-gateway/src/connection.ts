/**
 * One WebSocket connection: decodes and rate-limits its frames, runs them one at a time (so a
 * user's messages are stored in the order sent), keeps its inactivity timer, and ends it with the
 * right `bye` and close code. It logs ids only, never message bodies, passwords or tokens.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import {
  type ByeReason,
  type ClientMessage,
  decodeClientMessage,
  ErrorCode,
  encode,
  ParleyError,
  type ServerMessage,
  type ServerMessageOf,
} from '@parley/protocol'
import type { ChatMessageRow } from '@parley/storage'
import type { Logger } from 'pino'
import { WebSocket } from 'ws'
import { isUserActivity } from './activity.js'
import { byeMessage, CloseCode, closeCodeFor } from './close-codes.js'
import { DEFAULT_SIGN_IN_TIMEOUT_SECONDS, type GatewayConfig } from './config.js'
import type { Connection, Dispatch, SignedInConnection, SignedInUser, UpgradeInfo } from './connection-types.js'
import { toErrorFrame } from './error-frame.js'
import type { GatewayMetrics } from './metrics.js'
import { OfflineQueue } from './offline-queue.js'
import { TokenBucket } from './rate-limit.js'
import { SlowConsumerCheck } from './slow-consumer.js'
import type { TimerHandle, Timers } from './timers.js'
import type { TurnCorker } from './turn-corker.js'
import type { UserRateLimits } from './user-rate.js'

/**
 * What a connection needs from its gateway. Defined here (the gateway's state satisfies it) so the
 * connection never imports the gateway, nor the commands: the dispatcher is handed in.
 */
export interface ConnectionHost {
  readonly config: GatewayConfig
  readonly metrics: GatewayMetrics
  readonly log: Logger
  readonly now: () => number
  /** The inactivity and sign-in-window timers. */
  readonly timers: Timers
  readonly corker: TurnCorker
  /** Rate limits per user across their connections here; null: none. */
  readonly userRates: UserRateLimits | null
  readonly dispatch: Dispatch
  /** Up to `limit` of a user's queued messages, oldest first. */
  pendingMessages(userId: number, limit: number): Promise<ChatMessageRow[]>
  /** The connection signed in: register it for deliveries here. */
  registerSignedIn(conn: WebSocketConnection, user: SignedInUser): void
  /** The connection is gone (signed in or not): forget it, and release the user's presence if it was signed in. */
  released(conn: WebSocketConnection, reason: string): void
}

/** Malformed frames in a row before the connection is closed with 1008. */
export const MAX_BAD_FRAMES = 5
/**
 * Frames waiting for the previous one to finish: above the high mark the socket stops being read
 * (TCP pushes back on the client) until the queue is down to the low mark.
 */
const QUEUE_HIGH_WATER = 32
const QUEUE_LOW_WATER = 8
/** `received` frames are automatic acknowledgements: they cost a tenth of a user command. */
const RECEIVED_COST = 0.1

function requestId(raw: string): string | undefined {
  try {
    const id = (JSON.parse(raw) as { id?: unknown } | null)?.id
    return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined
  } catch {
    return undefined
  }
}

export class WebSocketConnection implements Connection {
  readonly connId = randomUUID()
  readonly ws: WebSocket
  readonly upgrade: UpgradeInfo
  readonly #host: ConnectionHost
  #user: SignedInUser | null = null
  #offline: OfflineQueue | null = null
  /** Cleared at each heartbeat ping, set by the pong. */
  alive = true
  readonly #slow: SlowConsumerCheck
  readonly #bucket: TokenBucket
  #rateViolations = 0
  #badFrames = 0
  #queue: Promise<void> = Promise.resolve()
  #queued = 0
  #inactivity: TimerHandle
  readonly #openedAt = performance.now()
  #ended = false
  #released = false
  #signedInAt = 0
  /** Why the connection ended, for the end-of-session log line. */
  #endReason: string | null = null

  /** The TLS socket under `ws`, corked per turn so that this turn's frames leave in one write. */
  readonly #socket: Duplex | null

  constructor(host: ConnectionHost, ws: WebSocket, upgrade: UpgradeInfo, socket: Duplex | null = null) {
    this.#host = host
    this.ws = ws
    this.#socket = socket
    this.upgrade = upgrade
    this.#bucket = new TokenBucket(host.config.ratePerSecond, host.config.rateBurst, host.now())
    this.#slow = new SlowConsumerCheck(host.config.maxBufferedBytes)
    ws.on('message', (data, isBinary) => this.#onFrame(data as Buffer, isBinary))
    ws.on('pong', () => {
      this.alive = true
    })
    // ws closes the socket itself on protocol errors (1002, 1007 bad UTF-8, 1009 too big); this only logs.
    ws.on('error', (error) => this.log.debug({ err: error }, 'connection error'))
    ws.on('close', (code) => {
      this.log.info({ code }, 'connection closed')
      this.#release()
    })
    this.resetInactivity()
  }

  /** The signed-in user, or null before sign-in. */
  get user(): SignedInUser | null {
    return this.#user
  }

  /**
   * A logger bound to this connection (and to its user once signed in). Made when used, not kept: a
   * pino child per connection was a large part of what an idle connection cost, and logging is rare.
   */
  get log(): Logger {
    const bindings = this.#user ? { connId: this.connId, userId: this.#user.userId } : { connId: this.connId }
    return this.#host.log.child(bindings)
  }

  /** True once the connection is ending: no new sign-in, no more frames processed. */
  get ended(): boolean {
    return this.#ended
  }

  /** Why the connection ended (or is ending), for logs and the presence grace. */
  get endReason(): string {
    return this.#endReason ?? 'closed'
  }

  signedIn(): SignedInConnection | null {
    // `user` and `offline` are set together in signIn and never cleared: this is then a SignedInConnection.
    return this.#user && this.#offline ? (this as unknown as SignedInConnection) : null
  }

  signIn(user: SignedInUser): SignedInConnection {
    this.#user = user
    this.#offline = new OfflineQueue({
      pending: (limit) => this.#host.pendingMessages(user.userId, limit),
      send: (text) => {
        if (!this.sendEncoded(text)) return false
        this.#host.metrics.framesOut.inc({ type: 'message' })
        return true
      },
      log: () => this.log,
      ended: () => this.#ended,
    })
    this.#signedInAt = this.#host.now()
    this.resetInactivity()
    this.#host.metrics.sessions.inc({ event: 'started' })
    this.log.info({ kind: user.kind }, 'chat session started')
    this.#host.registerSignedIn(this, user)
    return this.signedIn()!
  }

  /** The offline-queue cursor (null before sign-in). */
  get offline(): OfflineQueue | null {
    return this.#offline
  }

  /** Sends a frame; a client whose unsent data passes the bound is cut off instead (slow consumer). */
  send(frame: ServerMessage): boolean {
    if (!this.sendEncoded(encode(frame))) return false
    this.#host.metrics.framesOut.inc({ type: frame.type })
    return true
  }

  /**
   * Sends a frame already encoded: fan-out encodes each event once and hands every connection the
   * same text, as a Buffer when many get it (ws would otherwise convert the string once per
   * connection). The caller counts the frames. False when not sent or the client was cut off.
   */
  sendEncoded(text: string | Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false
    if (this.#socket) this.#host.corker.cork(this.#socket)
    this.ws.send(text, { binary: false })
    return !this.checkSlowConsumer()
  }

  /** A live chat message for this user (delivery.ts): pushed once until confirmed, in order with the queue. */
  pushMessage(frame: ServerMessageOf<'message'>, encoded?: string): void {
    this.#offline?.pushLive(frame, encoded)
  }

  /**
   * After a send: terminates the connection only past the hard ceiling (slow-consumer.ts), never a
   * reader that a burst put over the bound for a moment; true when it did.
   */
  checkSlowConsumer(): boolean {
    return this.#slow.onSend(this.ws.bufferedAmount) && this.#cutSlowConsumer()
  }

  /** At a heartbeat: terminates a connection that stayed over the bound without draining; true when it did. */
  checkSlowConsumerAtHeartbeat(): boolean {
    return this.#slow.atHeartbeat(this.ws.bufferedAmount) && this.#cutSlowConsumer()
  }

  #cutSlowConsumer(): true {
    this.log.warn({ bufferedBytes: this.ws.bufferedAmount }, 'slow consumer cut off')
    this.terminate()
    return true
  }

  /** Ends the connection with a `bye` frame and the close code of its reason. */
  bye(reason: ByeReason): void {
    if (this.#ended) return
    this.#endReason ??= reason
    this.send({ type: 'bye', reason, message: byeMessage(reason, this.#host.config.timeoutSeconds) })
    this.log.info({ reason }, 'bye')
    this.close(closeCodeFor(reason), reason)
  }

  /** Closes with a status (ws terminates the socket if the peer does not answer the close in time). */
  close(code: number, reason: string): void {
    if (this.#ended) return
    this.#endReason ??= reason
    this.#ended = true
    this.#release()
    this.ws.close(code, reason)
  }

  /** Drops the connection without a closing handshake (dead peer, slow consumer). */
  terminate(): void {
    this.#endReason ??= 'dropped'
    this.#ended = true
    this.#release()
    this.ws.terminate()
  }

  /**
   * One timer per connection (an idle connection should cost little). Before sign-in it ends the
   * connection at the inactivity timeout (`bye timeout`, reset by each frame) or at the end of the
   * sign-in window (4004, counted from the connection: `lookup`s and failed logins do not extend it),
   * whichever comes first; after sign-in it is the inactivity timeout, reset by every user command.
   */
  resetInactivity(): void {
    this.#host.timers.clearTimeout(this.#inactivity)
    if (this.#ended) return
    const timeoutMs = this.#host.config.timeoutSeconds * 1000
    const windowMs = (this.#host.config.signInTimeoutSeconds ?? DEFAULT_SIGN_IN_TIMEOUT_SECONDS) * 1000
    const windowLeftMs = this.#openedAt + windowMs - performance.now()
    if (this.#user || timeoutMs <= windowLeftMs) {
      this.#inactivity = this.#host.timers.setTimeout(() => this.bye('timeout'), timeoutMs)
      return
    }
    this.#inactivity = this.#host.timers.setTimeout(
      () => {
        this.log.info({ signInTimeoutMs: windowMs }, 'closed: no sign-in within the window')
        this.close(CloseCode.SignInTimeout, `Sign in within ${Math.round(windowMs / 1000)} s`)
      },
      Math.max(0, windowLeftMs),
    )
  }

  sendError(error: unknown, replyTo?: string): void {
    const { frame, unexpected } = toErrorFrame(error, replyTo)
    if (unexpected) this.log.error({ err: error }, 'command failed')
    this.send(frame)
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    if (this.#ended) return
    if (isBinary) {
      this.log.info('binary frame refused')
      this.close(CloseCode.UnsupportedData, 'JSON text frames only')
      return
    }
    const raw = data.toString('utf8')
    let frame: ClientMessage
    try {
      frame = decodeClientMessage(raw)
    } catch (error) {
      this.#host.metrics.framesIn.inc({ type: 'invalid' })
      this.#badFrames += 1
      if (this.#badFrames >= MAX_BAD_FRAMES) {
        this.log.info({ badFrames: this.#badFrames }, 'closed for repeated malformed frames')
        this.close(CloseCode.PolicyViolation, 'Too many malformed frames')
        return
      }
      this.sendError(error, requestId(raw))
      return
    }
    this.#badFrames = 0
    this.#host.metrics.framesIn.inc({ type: frame.type })
    const cost = frame.type === 'received' ? RECEIVED_COST : 1
    const now = this.#host.now()
    // One bucket per connection, and one per user shared by all of the user's connections here.
    const userId = this.#user?.userId
    const userRates = userId === undefined ? null : this.#host.userRates
    if (!this.#bucket.take(cost, now) || (userRates !== null && !userRates.take(userId!, cost, now))) {
      this.#rateViolations += 1
      if (this.#rateViolations > this.#host.config.rateBurst) {
        this.log.info('closed for sending on while rate limited')
        this.close(CloseCode.PolicyViolation, 'Rate limit exceeded')
        return
      }
      const retryAfterMs = Math.max(
        this.#bucket.retryAfterMs(cost, now),
        userRates === null ? 0 : userRates.retryAfterMs(userId!, cost, now),
      )
      const error = new ParleyError(ErrorCode.RateLimited, 'Too many requests: slow down', { retryAfterMs })
      this.sendError(error, 'id' in frame ? frame.id : undefined)
      return
    }
    this.#rateViolations = 0
    this.#queued += 1
    if (this.#queued === QUEUE_HIGH_WATER) this.ws.pause()
    this.#queue = this.#queue.then(async () => {
      try {
        if (!this.#ended) await this.#run(frame)
      } finally {
        this.#queued -= 1
        if (this.#queued === QUEUE_LOW_WATER && this.ws.isPaused) this.ws.resume()
      }
    })
  }

  async #run(frame: ClientMessage): Promise<void> {
    // Only what the user did: not `received` acks, nor a browser's automatic private-chat decline.
    if (isUserActivity(this.#user, frame)) this.resetInactivity()
    try {
      await this.#host.dispatch(this, frame)
    } catch (error) {
      this.sendError(error, 'id' in frame ? frame.id : undefined)
    }
  }

  /**
   * Leaves the gateway once. The end-of-session line is logged here; what the user's presence does
   * is the host's (history, directory, the grace before "logged out").
   */
  #release(): void {
    if (this.#released) return
    this.#released = true
    this.#ended = true
    this.#host.timers.clearTimeout(this.#inactivity)
    if (this.#user) {
      this.#host.metrics.sessions.inc({ event: 'ended' })
      this.log.info({ durationMs: this.#host.now() - this.#signedInAt, reason: this.endReason }, 'chat session ended')
    }
    this.#host.released(this, this.endReason)
  }
}
