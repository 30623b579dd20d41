/**
 * What every command and fan-out handler of one gateway shares. Built once by `createGateway`.
 * @module
 */
import type { AttemptLimiter, Auth } from '@parley/auth'
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import type { BusEvent, ChatEvents } from './bus-events.js'
import type { ClusterState } from './cluster/types.js'
import type { GatewayConfig } from './config.js'
import type { Connection } from './connection.js'
import type { GatewayMetrics } from './metrics.js'
import type { OnlineIndex } from './online-index.js'
import type { PresenceTracker } from './presence.js'
import type { PresenceFanout } from './presence-fanout.js'
import type { Redelivery } from './redelivery.js'
import type { Registry } from './registry.js'
import type { TurnCorker } from './turn-corker.js'
import type { UserRateLimits } from './user-rate.js'

export interface GatewayContext {
  readonly config: GatewayConfig
  readonly storage: Storage
  readonly auth: Auth
  /** Counts sign-in attempts (`lookup`, `login`, account creation); null: no limit (tests, bench). */
  readonly attempts: AttemptLimiter | null
  /** `chat:events` on the bus: every instance hears what any instance publishes. */
  readonly events: ChatEvents
  /** Who is online on every instance, private requests and the broadcast ledger. */
  readonly cluster: ClusterState
  readonly metrics: GatewayMetrics
  readonly log: Logger
  readonly now: () => number
  /** Signed-in connections of this instance. */
  readonly registry: Registry<Connection>
  /** Rate limits per user across their connections here (`userRatePerSecond`); null: none. */
  readonly userRates: UserRateLimits | null
  /** Every open connection of this instance, signed in or not. */
  readonly connections: Set<Connection>
  readonly presence: PresenceTracker
  /**
   * Publishes an event; never rejects. A refused publish (Redis unreachable) is logged and counted
   * and resolves false: storage already holds anything that matters, and catch-up delivers it.
   */
  publish(event: BusEvent): Promise<boolean>
  /** Message deliveries the bus refused, published again once it is healthy. */
  readonly redelivery: Redelivery
  /** Who is online on every instance, sorted by name: `welcome` and `whoelse` pages. */
  readonly online: OnlineIndex
  /** Presence frames to this instance's connections, coalesced per tick. */
  readonly presenceFrames: PresenceFanout
  /** Holds each socket's frames until the end of the turn, so they leave in one write. */
  readonly corker: TurnCorker
  /** Set when `close()` began: no presence events are sent to clients that are leaving anyway. */
  shuttingDown: boolean
}
