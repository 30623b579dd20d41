/**
 * Board notifications in the chat (issue 17): the board publishes each stored mention or reply on the
 * bus (`board:notifications`, schema in @parley/protocol); every gateway pushes it as a `notification`
 * frame to the recipient's connections on this instance, so the terminal prints
 * `hans mentioned you on the board: <first words>` wherever the user is signed in. Nothing is queued:
 * a user with no chat open sees it on the board's /notifications page. The `read` events (unread count
 * changes) are for the board's pages only.
 *
 * Without Redis the board and the gateway are separate processes with separate in-process buses
 * (`pnpm dev`): then (`pollMs`) the gateway follows new notifications in the shared database instead,
 * from the newest one at its start, so the line still appears, within `pollMs`.
 * @module
 */
import { type Bus, type BusLogger, openTopic } from '@parley/bus'
import { decodeBoardNotification, encode, MAX_EXCERPT_LENGTH, NOTIFICATIONS_CHANNEL } from '@parley/protocol'
import type { NotificationRow, NotificationStore } from '@parley/storage'

/** Who is signed in here: the registry (any connection type that can take an encoded frame). */
export interface NotificationTargets {
  connectionsOf(userId: number): readonly { sendEncoded(text: string | Buffer): boolean }[]
}

export interface NotificationForwarding {
  /** Leaves the channel (and stops following the database). Idempotent. */
  close(): Promise<void>
}

export interface FollowOptions {
  /** Follow the database every `pollMs` (no shared bus); absent: the bus only. */
  pollMs?: number
  storage: { notifications: Pick<NotificationStore, 'listAfter' | 'latestId' | 'countUnread'> }
}

/** Rows read per query while catching up. */
const FOLLOW_BATCH = 500
/** Shown for a notification whose author deleted their account since. */
const DELETED_AUTHOR = 'deleted user'

type Metrics = { framesOut: { inc(labels: { type: string }, value?: number): void } }

function sendTo(targets: NotificationTargets, metrics: Metrics, userId: number, text: string): void {
  let sent = 0
  for (const connection of targets.connectionsOf(userId)) if (connection.sendEncoded(text)) sent++
  if (sent > 0) metrics.framesOut.inc({ type: 'notification' }, sent)
}

export async function forwardNotifications(
  bus: Bus,
  targets: NotificationTargets,
  metrics: Metrics,
  logger: BusLogger,
  follow?: FollowOptions,
): Promise<NotificationForwarding> {
  const topic = await openTopic(bus, NOTIFICATIONS_CHANNEL, { decode: decodeBoardNotification, logger })
  topic.subscribe((event) => {
    if (event.type !== 'created' || targets.connectionsOf(event.recipientId).length === 0) return
    // Encoded once for all of the user's connections.
    sendTo(targets, metrics, event.recipientId, encode(event.notification))
  })
  const stopFollowing = follow?.pollMs ? await followDatabase(follow, targets, metrics, logger) : null
  return {
    close: async () => {
      await stopFollowing?.()
      await topic.close()
    },
  }
}

async function followDatabase(
  { pollMs, storage }: FollowOptions,
  targets: NotificationTargets,
  metrics: Metrics,
  logger: BusLogger,
): Promise<() => Promise<void>> {
  let cursor = await storage.notifications.latestId()
  let running: Promise<void> | null = null

  async function deliver(row: NotificationRow): Promise<void> {
    if (targets.connectionsOf(row.recipientId).length === 0) return
    const unread = await storage.notifications.countUnread(row.recipientId)
    const frame = {
      type: 'notification' as const,
      kind: row.kind,
      from: row.actorName ?? DELETED_AUTHOR,
      excerpt: [...row.excerpt].slice(0, MAX_EXCERPT_LENGTH).join(''),
      postId: row.postId,
      threadId: row.threadId,
      at: row.createdAt,
      unread,
    }
    sendTo(targets, metrics, row.recipientId, encode(frame))
  }

  async function poll(): Promise<void> {
    for (;;) {
      const rows = await storage.notifications.listAfter(cursor, FOLLOW_BATCH)
      for (const row of rows) {
        cursor = row.id
        await deliver(row)
      }
      if (rows.length < FOLLOW_BATCH) return
    }
  }

  const timer = setInterval(() => {
    // One poll at a time: a slow database never stacks them up.
    running ??= poll()
      .catch((error: unknown) => logger.warn({ err: error }, 'following notifications failed: retrying'))
      .finally(() => {
        running = null
      })
  }, pollMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
