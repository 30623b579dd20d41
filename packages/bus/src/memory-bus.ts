/**
 * The in-process bus: the default when no Redis is configured. It keeps Redis's semantics so code
 * tested on it behaves the same on Redis: delivery is asynchronous (never inside `publish`), each
 * handler gets its own parsed copy of the JSON, only subscribers present at publish time receive,
 * and messages on one channel arrive in publish order. Several buses can share one hub, standing in
 * for several processes sharing one Redis.
 * @module
 */
import { type Bus, type BusHandler, type BusLogger, DEFAULT_PREFIX, silentLogger, type Unsubscribe } from './bus.js'
import { checkPrefix, encodeMessage, qualifiedChannel } from './channels.js'
import { dispatch } from './dispatch.js'
import { BusUnavailableError } from './errors.js'

interface MemorySubscription {
  readonly handler: BusHandler
  readonly channel: string
  readonly log: BusLogger
  active: boolean
}

/** What buses in one process share, as processes share a Redis server. */
export interface MemoryHub {
  readonly channels: Map<string, Set<MemorySubscription>>
}

export function createMemoryHub(): MemoryHub {
  return { channels: new Map() }
}

export interface MemoryBusOptions {
  /** Prepended to every channel name; default `parley:`. */
  prefix?: string
  /** Share one hub between buses to connect them; default: a hub of this bus's own. */
  hub?: MemoryHub
  logger?: BusLogger
}

export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const prefix = checkPrefix(options.prefix ?? DEFAULT_PREFIX)
  const hub = options.hub ?? createMemoryHub()
  const log = options.logger ?? silentLogger
  const own = new Set<MemorySubscription>()
  let closed = false

  function remove(subscription: MemorySubscription, name: string): void {
    subscription.active = false
    own.delete(subscription)
    const set = hub.channels.get(name)
    set?.delete(subscription)
    if (set?.size === 0) hub.channels.delete(name)
  }

  return {
    async publish(channel, message) {
      const name = qualifiedChannel(prefix, channel)
      const text = encodeMessage(message)
      if (closed) throw new BusUnavailableError('closed', 'the bus is closed')
      const set = hub.channels.get(name)
      if (!set) return
      const receivers = [...set]
      // One macrotask per message, like a network round trip; setImmediate callbacks run in order.
      setImmediate(() => {
        for (const subscription of receivers) {
          if (subscription.active) dispatch(subscription.handler, text, subscription.channel, subscription.log)
        }
      })
    },

    async subscribe(channel, handler): Promise<Unsubscribe> {
      const name = qualifiedChannel(prefix, channel)
      if (closed) throw new BusUnavailableError('closed', 'the bus is closed')
      const subscription: MemorySubscription = { handler, channel, log, active: true }
      let set = hub.channels.get(name)
      if (!set) {
        set = new Set()
        hub.channels.set(name, set)
      }
      set.add(subscription)
      own.add(subscription)
      return async () => remove(subscription, name)
    },

    get healthy() {
      return !closed
    },

    onReconnect() {
      // Nothing in-process ever disconnects.
      return () => {}
    },

    async close() {
      if (closed) return
      closed = true
      for (const subscription of [...own]) remove(subscription, prefix + subscription.channel)
    },
  }
}
