/**
 * Publishing on the bus without ever failing a command: by the time anything is published, what
 * matters is committed (a message is stored before its ack), so a refused publish (Redis
 * unreachable) is logged and counted, and the recipient gets the message from storage when its
 * gateway catches up (`catch-up.ts`) or at its next sign-in.
 * @module
 */
import type { Logger } from 'pino'
import type { BusEvent, ChatEvents } from './bus-events.js'
import type { GatewayMetrics } from './metrics.js'

export function createPublisher(events: ChatEvents, metrics: GatewayMetrics, log: Logger) {
  return async function publish(event: BusEvent): Promise<boolean> {
    try {
      await events.publish(event)
      return true
    } catch (error) {
      metrics.busPublishFailures.inc({ kind: event.kind })
      log.warn(
        { err: error, kind: event.kind, ...('userId' in event ? { userId: event.userId } : {}) },
        'bus publish failed: live delivery skipped (storage catch-up follows)',
      )
      return false
    }
  }
}
