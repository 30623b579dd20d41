/**
 * `broadcast`: live to every online user except the sender and those who blocked the sender (not
 * queued for offline users, as in the original). A resend of the same id is answered again, not
 * sent twice.
 * @module
 */
import type { Command } from './index.js'
import { me } from './users.js'

export const broadcast: Command<'broadcast'> = async (ctx, session, frame) => {
  const sender = me(session)
  const key = `${sender.userId}:${frame.id}`
  const previous = ctx.broadcastIds.get(key)
  if (previous !== undefined) {
    session.send({ type: 'ack', replyTo: frame.id, skipped: previous })
    return
  }
  const blockers = await ctx.storage.blocks.blockersOf(sender.userId)
  const blockerSet = new Set(blockers)
  const skipped = ctx.registry.onlineUsers().some((user) => user.id !== sender.userId && blockerSet.has(user.id))
  await ctx.bus.publish({
    kind: 'broadcast',
    fromUserId: sender.userId,
    from: sender.username,
    text: frame.text,
    at: ctx.now(),
    excludeUserIds: [sender.userId, ...blockers],
  })
  ctx.broadcastIds.set(key, skipped)
  session.send({ type: 'ack', replyTo: frame.id, skipped })
}
