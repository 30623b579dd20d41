/**
 * Chat messages whose live `deliver` event the bus refused (this instance's Redis connection was
 * down) are published again once the bus is healthy. They are stored already, and a gateway that
 * lost its own subscription catches up from storage; this covers the other case, where only the
 * publishing side was cut off and the recipient's gateway never noticed anything. Clients show
 * each messageId once, so an event that arrives twice is harmless.
 * @module
 */
import type { Logger } from 'pino'
import type { BusEvent, ChatEvents } from './bus-events.js'

/** Beyond this many, the oldest are dropped (still in storage: delivered at the recipient's next sign-in). */
const MAX_QUEUED = 10_000
const RETRY_MS = 500

export interface Redelivery {
  add(event: BusEvent): void
  readonly size: number
  close(): void
}

export function createRedelivery(events: ChatEvents, isHealthy: () => boolean, log: Logger): Redelivery {
  const queue: BusEvent[] = []
  let timer: NodeJS.Timeout | undefined
  let flushing = false

  async function flush(): Promise<void> {
    if (flushing || !isHealthy()) return
    flushing = true
    try {
      let sent = 0
      while (queue.length > 0) {
        try {
          await events.publish(queue[0]!)
        } catch {
          break
        }
        queue.shift()
        sent += 1
      }
      if (sent > 0) log.info({ sent, left: queue.length }, 'refused deliveries published again')
      if (queue.length === 0) {
        clearInterval(timer)
        timer = undefined
      }
    } finally {
      flushing = false
    }
  }

  return {
    add(event) {
      queue.push(event)
      if (queue.length > MAX_QUEUED) queue.shift()
      timer ??= setInterval(() => void flush(), RETRY_MS)
    },
    get size() {
      return queue.length
    },
    close() {
      clearInterval(timer)
      timer = undefined
      queue.length = 0
    },
  }
}
