/**
 * One connection's cursor over its user's offline queue (the messages stored for them and not yet
 * confirmed by any of their devices): which ids this connection was sent and has not confirmed,
 * whether more wait in storage, and whether live messages must wait their turn. A live message
 * never overtakes an older queued one: while the queue is being pushed, live ones stay queued and
 * come with the next batch. Owned by the connection; commands call `confirmed` and `pushPending`.
 * @module
 */
import { encode, type ServerMessageOf } from '@parley/protocol'
import { type ChatMessageRow, MAX_PAGE_LIMIT } from '@parley/storage'
import type { Logger } from 'pino'
import type { OfflineCursor } from './connection-types.js'
import { MAX_UNCONFIRMED } from './unconfirmed.js'

/** Queued messages pushed at once; the next batch follows when the client confirmed this one. */
export const OFFLINE_BATCH = 100

export function messageFrame(row: ChatMessageRow, offline: boolean): ServerMessageOf<'message'> {
  return {
    type: 'message',
    messageId: row.id,
    from: row.senderName ?? '(deleted user)',
    text: row.body,
    at: row.createdAt,
    offline,
  }
}

export interface OfflineQueueDeps {
  /** Up to `limit` of the user's queued messages, oldest first. */
  pending(limit: number): Promise<ChatMessageRow[]>
  /** Sends an encoded `message` frame; false when not sent. */
  send(text: string): boolean
  log(): Logger
  /** True once the connection is ending. */
  ended(): boolean
}

export class OfflineQueue implements OfflineCursor {
  readonly #deps: OfflineQueueDeps
  /** Message ids pushed on this connection that the client has not confirmed with `received`. */
  readonly #outstanding = new Set<number>()
  /** The offline queue held more than one batch: push the next once this one is confirmed. */
  #morePending = false
  /** Live messages stay queued while older queued ones are still being pushed (from sign-in until the queue is empty). */
  #holdLive = true
  /** A live message was left queued since the last queue push began. */
  #missedLive = false

  constructor(deps: OfflineQueueDeps) {
    this.#deps = deps
  }

  /** Messages pushed and not yet confirmed. */
  get unconfirmed(): number {
    return this.#outstanding.size
  }

  /**
   * A live message: pushed once until confirmed, unless older queued messages are still on their way
   * or the connection holds MAX_UNCONFIRMED; then it stays queued in storage and comes in order.
   */
  pushLive(frame: ServerMessageOf<'message'>, encoded?: string): void {
    if (this.#outstanding.has(frame.messageId)) return
    if (this.#holdLive || this.#outstanding.size >= MAX_UNCONFIRMED) {
      this.#missedLive = true
      this.#morePending = true
      return
    }
    this.#push(frame, encoded)
  }

  async confirmed(ids: readonly number[]): Promise<void> {
    for (const id of ids) this.#outstanding.delete(id)
    if (this.#morePending && this.#outstanding.size === 0) await this.pushPending()
  }

  /**
   * Pushes the next batch (oldest first) that this connection has not been sent. Storage is asked for
   * at most a page (`MAX_PAGE_LIMIT`) and a connection holds at most `MAX_UNCONFIRMED` unconfirmed.
   */
  async pushPending(): Promise<void> {
    this.#holdLive = true
    for (;;) {
      this.#missedLive = false
      const limit = Math.min(MAX_PAGE_LIMIT, OFFLINE_BATCH + this.#outstanding.size)
      const rows = await this.#deps.pending(limit)
      let pushed = 0
      let stoppedEarly = false
      for (const row of rows) {
        if (this.#outstanding.has(row.id)) continue
        if (pushed === OFFLINE_BATCH || this.#outstanding.size >= MAX_UNCONFIRMED) {
          stoppedEarly = true
          break
        }
        this.#push(messageFrame(row, true))
        pushed += 1
      }
      this.#morePending = rows.length === limit || stoppedEarly || this.#missedLive
      if (pushed > 0) this.#deps.log().debug({ pushed }, 'offline messages pushed')
      // Nothing in flight whose confirmation would bring the next push, yet a message came meanwhile.
      if (this.#morePending && this.#outstanding.size === 0 && !this.#deps.ended()) continue
      break
    }
    this.#holdLive = this.#morePending
  }

  #push(frame: ServerMessageOf<'message'>, encoded?: string): void {
    if (this.#outstanding.has(frame.messageId)) return
    this.#outstanding.add(frame.messageId)
    this.#deps.send(encoded ?? encode(frame))
  }
}
