/**
 * Board notifications in the chat (issue 17): the board publishes each stored mention or reply on the
 * bus (`board:notifications`, schema in @parley/protocol); every gateway pushes it as a `notification`
 * frame to the recipient's connections on this instance, so the terminal prints
 * `hans mentioned you on the board: <first words>` wherever the user is signed in. Nothing is queued:
 * a user with no chat open sees it on the board's /notifications page. The `read` events (unread count
 * changes) are for the board's pages only.
 * @module
 */
import { type Bus, type BusLogger, openTopic } from '@parley/bus'
import { decodeBoardNotification, encode, NOTIFICATIONS_CHANNEL } from '@parley/protocol'

/** Who is signed in here: the registry (any connection type that can take an encoded frame). */
export interface NotificationTargets {
  connectionsOf(userId: number): readonly { sendEncoded(text: string | Buffer): boolean }[]
}

export interface NotificationForwarding {
  /** Leaves the channel. Idempotent. */
  close(): Promise<void>
}

export async function forwardNotifications(
  bus: Bus,
  targets: NotificationTargets,
  metrics: { framesOut: { inc(labels: { type: string }, value?: number): void } },
  logger: BusLogger,
): Promise<NotificationForwarding> {
  const topic = await openTopic(bus, NOTIFICATIONS_CHANNEL, { decode: decodeBoardNotification, logger })
  topic.subscribe((event) => {
    if (event.type !== 'created') return
    const connections = targets.connectionsOf(event.recipientId)
    if (connections.length === 0) return
    // Encoded once for all of the user's connections.
    const text = encode(event.notification)
    let sent = 0
    for (const connection of connections) if (connection.sendEncoded(text)) sent++
    if (sent > 0) metrics.framesOut.inc({ type: 'notification' }, sent)
  })
  return { close: () => topic.close() }
}
