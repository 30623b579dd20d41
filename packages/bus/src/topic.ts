/**
 * One channel of typed events with any number of local listeners: the shape both apps already use
 * (`publish(event)`, `subscribe(listener) → unsubscribe`, `close()`), carried over a Bus. The topic
 * subscribes to its channel once and fans each event out to its listeners in arrival order, so a
 * process with thousands of SSE streams or sockets still holds one Redis subscription. Incoming
 * messages pass the app's own decoder (its TypeBox schema) first: anything else is dropped.
 * @module
 */
import type { Bus, BusLogger, Unsubscribe } from './bus.js'
import { silentLogger } from './bus.js'

export interface Topic<T> {
  /** Publishes to every listener of this topic in every process; rejects like `Bus.publish`. */
  publish(event: T): Promise<void>
  /** Adds a local listener; returns the function that removes it. */
  subscribe(listener: (event: T) => void): () => void
  /** Removes every listener and leaves the channel (the bus stays open). Idempotent. */
  close(): Promise<void>
}

export interface TopicOptions<T> {
  /** The event when `message` is a valid one (a schema check), else null: then it is dropped and logged. */
  decode: (message: unknown) => T | null
  logger?: BusLogger
}

/** Subscribes to `channel` on `bus` and resolves once events published from then on will arrive. */
export async function openTopic<T>(bus: Bus, channel: string, options: TopicOptions<T>): Promise<Topic<T>> {
  const log = options.logger ?? silentLogger
  const listeners = new Set<(event: T) => void>()
  const leave: Unsubscribe = await bus.subscribe(channel, (message) => {
    const event = options.decode(message)
    if (event === null) {
      log.warn({ channel }, 'bus event failed its schema: dropped')
      return
    }
    // A snapshot: a listener that unsubscribes another must not skip or repeat anyone.
    for (const listener of [...listeners]) {
      if (!listeners.has(listener)) continue
      try {
        listener(event)
      } catch (error) {
        log.error({ err: error, channel }, 'topic listener failed')
      }
    }
  })
  let closed = false
  return {
    publish: (event) => bus.publish(channel, event),
    subscribe(listener) {
      // A wrapper per call, so the same function subscribed twice is two subscriptions.
      const entry = (event: T) => listener(event)
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      await leave()
    },
  }
}
