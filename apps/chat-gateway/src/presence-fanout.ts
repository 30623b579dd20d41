/**
 * Presence frames to this instance's connections, coalesced: the changes that arrive within one
 * short tick go out as one frame per recipient (`presence` for a single change, `presence_batch`
 * for several), encoded once for everyone who may see all of them. Without this, n sign-ins sent n
 * frames to each of n users. Any other event flushes the pending changes first, so a client never
 * sees a message from someone before the line saying they came online.
 * @module
 */
import { encode, type ServerMessageOf } from '@parley/protocol'
import type { GatewayMetrics } from './metrics.js'
import type { Registry } from './registry.js'

export const DEFAULT_PRESENCE_TICK_MS = 50
/** The tick grows by this much per connection of this instance (20,000 connections: 1 s). */
const TICK_MS_PER_CONNECTION = 0.05
const MAX_TICK_MS = 1000

export interface PresenceChange {
  userId: number
  username: string
  state: 'online' | 'offline'
  at: number
  /** Users who must not see this change (blocks, either way). */
  hiddenFrom: readonly number[]
}

type Change = ServerMessageOf<'presence_batch'>['changes'][number]

function encodeChanges(changes: readonly PresenceChange[]): Buffer {
  const views: Change[] = changes.map((change) => ({ user: change.username, state: change.state, at: change.at }))
  if (views.length === 1) return Buffer.from(encode({ type: 'presence', ...views[0]! }))
  return Buffer.from(encode({ type: 'presence_batch', changes: views }))
}

export interface PresenceFanoutOptions {
  /** Who gets the frames: every signed-in connection of this instance. */
  registry: Registry<{ sendEncoded(text: Buffer): boolean }>
  metrics: GatewayMetrics
  tickMs: number
  /** While true nothing is sent (the clients are leaving). */
  shuttingDown: () => boolean
}

export class PresenceFanout {
  readonly #options: PresenceFanoutOptions
  #pending: PresenceChange[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(options: PresenceFanoutOptions) {
    this.#options = options
  }

  add(change: PresenceChange): void {
    this.#pending.push(change)
    if (this.#timer !== undefined) return
    const { registry, tickMs } = this.#options
    const delay = Math.min(MAX_TICK_MS, Math.max(tickMs, registry.connectionCount * TICK_MS_PER_CONNECTION))
    this.#timer = setTimeout(() => this.flush(), delay)
  }

  /** Sends what is pending now. */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const changes = this.#pending
    if (changes.length === 0) return
    this.#pending = []
    if (this.#options.shuttingDown()) return
    // Everyone sees every change except the users who changed and those a change is hidden from.
    const partial = new Set<number>()
    for (const change of changes) {
      partial.add(change.userId)
      for (const id of change.hiddenFrom) partial.add(id)
    }
    let everything: Buffer | undefined
    const own = new Map<number, Buffer | null>()
    let sent = 0
    this.#options.registry.forEachConnection((userId, connection) => {
      let text: Buffer | null
      if (!partial.has(userId)) text = everything ??= encodeChanges(changes)
      else {
        text = own.get(userId) ?? null
        if (!own.has(userId)) {
          const visible = changes.filter((c) => c.userId !== userId && !c.hiddenFrom.includes(userId))
          text = visible.length > 0 ? encodeChanges(visible) : null
          own.set(userId, text)
        }
      }
      if (text !== null && connection.sendEncoded(text)) sent++
    })
    if (sent > 0)
      this.#options.metrics.framesOut.inc({ type: changes.length > 1 ? 'presence_batch' : 'presence' }, sent)
  }

  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#pending = []
  }
}
