/**
 * Notifications (issue 17): someone mentioned a user on the board (`@name`) or replied to their post.
 * The board stores each one, then publishes a `BoardNotification` on the bus (`board:notifications`);
 * every board's live-update streams update the reader's unread count from it, and every gateway
 * pushes a `notification` frame to that user's open chat connections, which show one line.
 * @module
 */
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { Timestamp } from './fields.js'

/** The bus channel (before the deployment's prefix). */
export const NOTIFICATIONS_CHANNEL = 'board:notifications'

/** Longest excerpt carried (the board cuts a post's first words well below this). */
export const MAX_EXCERPT_LENGTH = 200

export const NotificationKind = Type.Union([Type.Literal('mention'), Type.Literal('reply')])
export type NotificationKind = Static<typeof NotificationKind>

const PostId = Type.Integer({ minimum: 1 })
const Name = Type.String({ minLength: 1, maxLength: 128 })

/**
 * Server frame: a notification for the signed-in user, pushed to each of their open connections.
 * `from` is who wrote; `excerpt` the first words (plain text: show it as text, never as markup);
 * the board page is `/posts/<threadId>#post-<postId>`; `unread` the user's unread count now.
 */
export const NotificationEvent = Type.Object(
  {
    type: Type.Literal('notification'),
    kind: NotificationKind,
    from: Name,
    excerpt: Type.String({ maxLength: MAX_EXCERPT_LENGTH }),
    postId: PostId,
    threadId: PostId,
    at: Timestamp,
    unread: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
export type NotificationEvent = Static<typeof NotificationEvent>

/** On the bus: a new notification for `recipientId`, or (`read`) their unread count changed by "mark all read". */
export const BoardNotification = Type.Union([
  Type.Object(
    {
      type: Type.Literal('created'),
      recipientId: Type.Integer({ minimum: 1 }),
      notification: NotificationEvent,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('read'), recipientId: Type.Integer({ minimum: 1 }), unread: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
])
export type BoardNotification = Static<typeof BoardNotification>

const boardNotification = Compile(BoardNotification)

/** The event when `message` (parsed JSON from the bus) is a valid one, else null. */
export function decodeBoardNotification(message: unknown): BoardNotification | null {
  return boardNotification.Check(message) ? message : null
}

/** The line a chat client shows: `hans mentioned you on the board: <first words>`. */
export function describeNotification(event: Pick<NotificationEvent, 'kind' | 'from' | 'excerpt'>): string {
  const what = event.kind === 'mention' ? 'mentioned you on the board' : 'replied to your post'
  return `${event.from} ${what}: ${event.excerpt}`
}
