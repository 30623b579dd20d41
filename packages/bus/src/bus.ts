/**
 * The bus every Parley process uses to reach the others: JSON messages on named channels,
 * at-most-once. Storage stays the source of truth; the bus only says "something changed, now".
 * Payload validation stays with the apps, which own the schemas: a handler receives `unknown`.
 * @module
 */

/** Receives one message (a fresh JSON-parsed copy per handler). Errors it throws are logged, not rethrown. */
export type BusHandler = (message: unknown) => void

/** Ends one subscription; resolves once no further message reaches its handler. */
export type Unsubscribe = () => Promise<void>

export interface Bus {
  /**
   * Sends `message` (anything `JSON.stringify` accepts) to every subscriber of `channel` on every
   * instance sharing this bus's transport and prefix. Resolves once the transport accepted it;
   * rejects with `BusUnavailableError` while the transport is down or after `close()`, and with a
   * `TypeError` for a value JSON cannot carry or a bad channel name.
   */
  publish(channel: string, message: unknown): Promise<void>
  /**
   * Delivers every message published on `channel` after this resolves to `handler`, in publish
   * order per publisher. Each call is its own subscription, even for the same handler.
   */
  subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe>
  /** False while a transport connection is down (messages may be lost meanwhile) and after `close()`. */
  readonly healthy: boolean
  /**
   * Calls `listener` each time the bus is whole again (every connection back, subscriptions
   * restored, `healthy` true) after its subscribing side was disconnected. Messages published
   * meanwhile were lost to this instance: catch up from storage. Returns the remover.
   */
  onReconnect(listener: () => void): () => void
  /** Ends every subscription and closes the transport; publishing afterwards rejects. Idempotent. */
  close(): Promise<void>
}

/** The subset of a pino logger the bus uses; pass `logger.child({ module: 'bus' })`. */
export interface BusLogger {
  debug(object: object, message: string): void
  info(object: object, message: string): void
  warn(object: object, message: string): void
  error(object: object, message: string): void
}

export const silentLogger: BusLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}

/** Where channel names start unless told otherwise. */
export const DEFAULT_PREFIX = 'parley:'
