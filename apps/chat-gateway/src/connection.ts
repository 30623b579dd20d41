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
import type { Logger } from 'pino'
import { WebSocket } from 'ws'
import { isUserActivity } from './activity.js'
import { byeMessage, CloseCode, closeCodeFor } from './close-codes.js'
import { dispatch } from './commands/index.js'
import { DEFAULT_SIGN_IN_TIMEOUT_SECONDS } from './config.js'
import type { GatewayContext } from './context.js'
import { toErrorFrame } from './error-frame.js'
import { TokenBucket } from './rate-limit.js'
import type { SessionKind } from './registry.js'
import { SlowConsumerCheck } from './slow-consumer.js'
import { MAX_UNCONFIRMED } from './unconfirmed.js'

/** Facts from the HTTP upgrade, checked before the WebSocket was accepted. */
export interface UpgradeInfo {
  ip: string | null
  userAgent: string | null
  origin: string | null
  /** The board session of the `__Host-parley` cookie, authenticated at the upgrade (allowed Origins only). */
  cookieSession: { token: string; userId: number } | null
}

export interface SignedInUser {
  userId: number
  username: string
  /** The session token (kept to re-check the session at each heartbeat; never logged). */
  token: string
  sessionHash: string
  kind: SessionKind
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

export class Connection {
  readonly connId = randomUUID()
  readonly ws: WebSocket
  readonly upgrade: UpgradeInfo
  readonly #ctx: GatewayContext
  user: SignedInUser | null = null
  /** Cleared at each heartbeat ping, set by the pong. */
  alive = true
  /** Message ids pushed on this connection that the client has not confirmed with `received`. */
  readonly outstanding = new Set<number>()
  /** The offline queue held more than one batch: push the next once this one is confirmed. */
  morePending = false
  /**
   * Live messages are not pushed but left queued while older queued ones are still being pushed
   * (from sign-in until the queue is empty), so everything arrives in the order stored.
   */
  holdLive = true
  /** A live message was left queued since the last queue push began. */
  missedLive = false
  readonly #slow: SlowConsumerCheck
  readonly #bucket: TokenBucket
  #rateViolations = 0
  #badFrames = 0
  #queue: Promise<void> = Promise.resolve()
  #queued = 0
  #inactivity: NodeJS.Timeout | undefined
  readonly #openedAt = performance.now()
  #ended = false
  #released = false
  #signedInAt = 0
  /** Why the connection ended, for the end-of-session log line. */
  #endReason: string | null = null

  /** The TLS socket under `ws`, corked per turn so that this turn's frames leave in one write. */
  readonly #socket: Duplex | null

  constructor(ctx: GatewayContext, ws: WebSocket, upgrade: UpgradeInfo, socket: Duplex | null = null) {
    this.#ctx = ctx
    this.ws = ws
    this.#socket = socket
    this.upgrade = upgrade
    this.#bucket = new TokenBucket(ctx.config.ratePerSecond, ctx.config.rateBurst, ctx.now())
    this.#slow = new SlowConsumerCheck(ctx.config.maxBufferedBytes)
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

  /**
   * A logger bound to this connection (and to its user once signed in). Made when used, not kept: a
   * pino child per connection was a large part of what an idle connection cost, and logging is rare.
   */
  get log(): Logger {
    const bindings = this.user ? { connId: this.connId, userId: this.user.userId } : { connId: this.connId }
    return this.#ctx.log.child(bindings)
  }

  /** True once the connection is ending: no new sign-in, no more frames processed. */
  get ended(): boolean {
    return this.#ended
  }

  signIn(user: SignedInUser): void {
    this.user = user
    this.#signedInAt = this.#ctx.now()
    this.resetInactivity()
    this.#ctx.metrics.sessions.inc({ event: 'started' })
    this.log.info({ kind: user.kind }, 'chat session started')
  }

  /** Sends a frame; a client whose unsent data passes the bound is cut off instead (slow consumer). */
  send(frame: ServerMessage): boolean {
    if (!this.sendEncoded(encode(frame))) return false
    this.#ctx.metrics.framesOut.inc({ type: frame.type })
    return true
  }

  /**
   * Sends a frame already encoded: fan-out encodes each event once and hands every connection the
   * same text, as a Buffer when many get it (ws would otherwise convert the string once per
   * connection). The caller counts the frames. False when not sent or the client was cut off.
   */
  sendEncoded(text: string | Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false
    if (this.#socket) this.#ctx.corker.cork(this.#socket)
    this.ws.send(text, { binary: false })
    return !this.checkSlowConsumer()
  }

  /**
   * Pushes a live chat message once per connection until the client confirms it. While older queued
   * messages wait, or the connection holds MAX_UNCONFIRMED, it stays queued in storage instead and
   * comes with the next queue push, in order.
   */
  pushMessage(frame: ServerMessageOf<'message'>, encoded?: string): void {
    if (this.outstanding.has(frame.messageId)) return
    if (this.holdLive || this.outstanding.size >= MAX_UNCONFIRMED) {
      this.missedLive = true
      this.morePending = true
      return
    }
    this.pushQueued(frame, encoded)
  }

  /** Pushes a message of the offline queue (pushPending, oldest first) once until confirmed. */
  pushQueued(frame: ServerMessageOf<'message'>, encoded?: string): void {
    if (this.outstanding.has(frame.messageId)) return
    this.outstanding.add(frame.messageId)
    if (this.sendEncoded(encoded ?? encode(frame))) this.#ctx.metrics.framesOut.inc({ type: 'message' })
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
    this.send({ type: 'bye', reason, message: byeMessage(reason, this.#ctx.config.timeoutSeconds) })
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
    clearTimeout(this.#inactivity)
    if (this.#ended) return
    const timeoutMs = this.#ctx.config.timeoutSeconds * 1000
    const windowMs = (this.#ctx.config.signInTimeoutSeconds ?? DEFAULT_SIGN_IN_TIMEOUT_SECONDS) * 1000
    const windowLeftMs = this.#openedAt + windowMs - performance.now()
    if (this.user || timeoutMs <= windowLeftMs) {
      this.#inactivity = setTimeout(() => this.bye('timeout'), timeoutMs)
      return
    }
    this.#inactivity = setTimeout(
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
      this.#ctx.metrics.framesIn.inc({ type: 'invalid' })
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
    this.#ctx.metrics.framesIn.inc({ type: frame.type })
    const cost = frame.type === 'received' ? RECEIVED_COST : 1
    const now = this.#ctx.now()
    // One bucket per connection, and one per user shared by all of the user's connections here.
    const userId = this.user?.userId
    const userRates = userId === undefined ? null : this.#ctx.userRates
    if (!this.#bucket.take(cost, now) || (userRates !== null && !userRates.take(userId!, cost, now))) {
      this.#rateViolations += 1
      if (this.#rateViolations > this.#ctx.config.rateBurst) {
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
    if (isUserActivity(this, frame)) this.resetInactivity()
    try {
      await dispatch(this.#ctx, this, frame)
    } catch (error) {
      this.sendError(error, 'id' in frame ? frame.id : undefined)
    }
  }

  /**
   * Leaves the registry once: the user's last connection here closes their presence-history row,
   * and the directory says whether it was their last anywhere (then everyone is told). While the
   * gateway shuts down the directory keeps the entry until this instance's heartbeat expires, so a
   * client that moves to another gateway in time never looks offline.
   */
  #release(): void {
    if (this.#released) return
    this.#released = true
    this.#ended = true
    clearTimeout(this.#inactivity)
    this.#ctx.connections.delete(this)
    const user = this.user
    if (!user) return
    this.#ctx.metrics.sessions.inc({ event: 'ended' })
    this.log.info(
      { durationMs: this.#ctx.now() - this.#signedInAt, reason: this.#endReason ?? 'closed' },
      'chat session ended',
    )
    if (this.#ctx.registry.remove(user.userId, this.connId)) this.#ctx.presence.closeHistory(user.userId)
    if (!this.#ctx.shuttingDown) this.#ctx.presence.release({ id: user.userId, username: user.username }, this.connId)
  }
}
