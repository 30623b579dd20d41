/**
 * What commands get from their gateway: the services they use, and nothing of the gateway's own
 * mutable state (its connections, registry, fan-out and shutdown flag stay in `GatewayState`).
 * Built once by `createGateway`.
 * @module
 */
import type { AttemptLimiter, Auth } from '@parley/auth'
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import type { BusEvent } from './bus-events.js'
import type { ClusterState } from './cluster/types.js'
import type { GatewayConfig } from './config.js'
import type { GatewayMetrics } from './metrics.js'
import type { NamePage } from './online-index.js'
import type { PresenceTracker } from './presence.js'

export interface GatewayContext {
  readonly config: GatewayConfig
  readonly storage: Storage
  readonly auth: Auth
  /** Counts sign-in attempts (`lookup`, `login`, account creation); null: no limit (tests, bench). */
  readonly attempts: AttemptLimiter | null
  /** Who is online on every instance, private requests and the broadcast ledger. */
  readonly cluster: ClusterState
  readonly metrics: GatewayMetrics
  readonly log: Logger
  readonly now: () => number
  readonly presence: PresenceTracker
  /**
   * Publishes an event on the bus (every instance hears it); never rejects. A refused publish (Redis
   * unreachable) is logged and counted and resolves false: storage already holds anything that
   * matters, and catch-up delivers it.
   */
  publish(event: BusEvent): Promise<boolean>
  /** Publishes a delivery, and when the bus refuses it, publishes it again once the bus is healthy. */
  publishDelivery(event: BusEvent): Promise<void>
  /**
   * A page of who is online on every instance, sorted by name, without `hidden` (in memory: read in
   * the same turn as a sign-in's registration, so nobody is missed between the page and the events).
   */
  onlinePage(after: string | undefined, limit: number, hidden: ReadonlySet<number>): NamePage
}
