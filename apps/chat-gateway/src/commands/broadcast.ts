/**
 * `broadcast`: live to every online user except the sender and those who blocked the sender (not
 * queued for offline users, as in the original). A resend of the same id is answered again, not
 * sent twice, even when it reaches another gateway (the ledger is shared through Redis).
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { Command } from './types.js'

export const broadcast: Command<'broadcast'> = async (ctx, conn, frame) => {
  const sender = conn.user
  const key = `${sender.userId}:${frame.id}`
  const [blockers, online] = await Promise.all([
    ctx.storage.blocks.blockersOf(sender.userId),
    ctx.cluster.directory.onlineUsers(),
  ])
  const blockerSet = new Set(blockers)
  const skipped = online.some((user) => user.id !== sender.userId && blockerSet.has(user.id))
  // Recorded before it is sent, so two gateways given the same resend cannot both send it.
  const earlier = await ctx.cluster.broadcasts.remember(key, skipped)
  if (earlier !== null) {
    conn.send({ type: 'ack', replyTo: frame.id, skipped: earlier })
    return
  }
  const sent = await ctx.publish({
    kind: 'broadcast',
    fromUserId: sender.userId,
    from: sender.username,
    text: frame.text,
    at: ctx.now(),
    excludeUserIds: [sender.userId, ...blockers],
  })
  if (!sent) {
    // Not acknowledged, so the client sends it again once the bus is back.
    await ctx.cluster.broadcasts.forget(key)
    throw new ParleyError(ErrorCode.Internal, 'The broadcast could not be sent: try again in a moment')
  }
  conn.send({ type: 'ack', replyTo: frame.id, skipped })
}
