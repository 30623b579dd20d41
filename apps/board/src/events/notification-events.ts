/**
 * Notifications on the bus (`board:notifications`, schema in @parley/protocol): the board that stores
 * one publishes it, every board's live-update streams tell that user's open pages their unread
 * count, and every chat gateway pushes a `notification` frame to that user's chat connections.
 * Without Redis the bus is in-process: one board (and the gateways of its process) hear it.
 * @module
 */
import { type Bus, type BusLogger, openTopic } from '@parley/bus'
import { type BoardNotification, decodeBoardNotification, NOTIFICATIONS_CHANNEL } from '@parley/protocol'

export interface NotificationEvents {
  /** Rejects while the bus is down: the notification is stored already; callers log and carry on. */
  publish(event: BoardNotification): Promise<void>
  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: BoardNotification) => void): () => void
  close(): Promise<void>
}

export function openBusNotificationEvents(bus: Bus, logger?: BusLogger): Promise<NotificationEvents> {
  return openTopic(bus, NOTIFICATIONS_CHANNEL, { decode: decodeBoardNotification, ...(logger ? { logger } : {}) })
}

/** Within this process only (tests, and a board created without a bus). */
export function createLocalNotificationEvents(): NotificationEvents {
  const listeners = new Set<(event: BoardNotification) => void>()
  return {
    async publish(event) {
      for (const listener of [...listeners]) listener(event)
    },
    subscribe(listener) {
      const entry = (event: BoardNotification) => listener(event)
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    async close() {
      listeners.clear()
    },
  }
}
