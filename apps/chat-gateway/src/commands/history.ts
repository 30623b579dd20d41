/**
 * `history`: the conversation with one user, newest first, paged by message id (browser panel).
 * @module
 */
import type { Command } from './types.js'
import { findUser } from './users.js'

const DEFAULT_LIMIT = 50

export const history: Command<'history'> = async (ctx, conn, frame) => {
  const user = conn.user
  const other = await findUser(ctx, frame.with)
  const rows = await ctx.storage.messages.conversation(user.userId, other.id, {
    limit: frame.limit ?? DEFAULT_LIMIT,
    ...(frame.before === undefined ? {} : { before: frame.before }),
  })
  conn.send({
    type: 'history',
    replyTo: frame.id,
    with: other.username,
    messages: rows.map((row) => ({
      messageId: row.id,
      from: row.senderName ?? '(deleted user)',
      to: row.recipientName ?? '(deleted user)',
      text: row.body,
      at: row.createdAt,
      delivered: row.deliveredAt !== null,
    })),
  })
}
