/**
 * The state of one gateway instance that only the gateway itself touches: its connections, the
 * registry of signed-in ones, the fan-out of events and presence frames, the shutdown flag. Commands
 * never see this (they get `GatewayContext`); the bus listener, heartbeat and catch-up do.
 * @module
 */
import type { ChatEvents } from './bus-events.js'
import type { WebSocketConnection } from './connection.js'
import type { GatewayContext } from './context.js'
import type { OnlineIndex } from './online-index.js'
import type { PresenceFanout } from './presence-fanout.js'
import type { Redelivery } from './redelivery.js'
import type { Registry } from './registry.js'
import type { Timers } from './timers.js'
import type { TurnCorker } from './turn-corker.js'
import type { UserRateLimits } from './user-rate.js'

export interface GatewayState extends GatewayContext {
  /** `chat:events` on the bus: every instance hears what any instance publishes. */
  readonly events: ChatEvents
  /** Signed-in connections of this instance, by user. */
  readonly registry: Registry<WebSocketConnection>
  /** Every open connection of this instance, signed in or not. */
  readonly connections: Set<WebSocketConnection>
  /** Rate limits per user across their connections here (`userRatePerSecond`); null: none. */
  readonly userRates: UserRateLimits | null
  /** Message deliveries the bus refused, published again once it is healthy. */
  readonly redelivery: Redelivery
  /** Who is online on every instance, sorted by name: `welcome` and `whoelse` pages. */
  readonly online: OnlineIndex
  /** Presence frames to this instance's connections, coalesced per tick. */
  readonly presenceFrames: PresenceFanout
  /** Holds each socket's frames until the end of the turn, so they leave in one write. */
  readonly corker: TurnCorker
  /** The heartbeat's and the connections' timers (real ones unless a test hands in its own). */
  readonly timers: Timers
  /** Set when `close()` began: no presence events are sent to clients that are leaving anyway. */
  shuttingDown: boolean
}
