/**
 * What every command and fan-out handler of one gateway shares. Built once by `createGateway`.
 * @module
 */
import type { Auth } from '@parley/auth'
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import type { ChatBus } from './bus.js'
import type { GatewayConfig } from './config.js'
import type { PresenceTracker } from './presence.js'
import type { PrivateBroker } from './private-broker.js'
import type { RecentIds } from './recent-ids.js'
import type { Registry } from './registry.js'
import type { ChatSession } from './session.js'

export interface GatewayContext {
  readonly config: GatewayConfig
  readonly storage: Storage
  readonly auth: Auth
  readonly bus: ChatBus
  readonly log: Logger
  readonly now: () => number
  /** Signed-in connections of this instance. */
  readonly registry: Registry<ChatSession>
  /** Every open connection, signed in or not. */
  readonly sessions: Set<ChatSession>
  readonly presence: PresenceTracker
  readonly privateBroker: PrivateBroker
  /** Broadcast ids already carried out, per sender, so a resend after a reconnect is not sent twice. */
  readonly broadcastIds: RecentIds<boolean>
  /** Set when `close()` began: no presence events are sent to clients that are leaving anyway. */
  shuttingDown: boolean
}
