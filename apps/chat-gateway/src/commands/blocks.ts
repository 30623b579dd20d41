/**
 * `block` / `unblock`: kept in storage. A block refuses the blocked user's messages and hides
 * presence both ways.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { Command } from './types.js'
import { findUser } from './users.js'

export const block: Command<'block'> = async (ctx, conn, frame) => {
  const user = conn.user
  const target = await findUser(ctx, frame.user)
  if (target.id === user.userId) {
    throw new ParleyError(ErrorCode.SelfTarget, 'You cannot block yourself', { user: target.username })
  }
  await ctx.storage.blocks.block(user.userId, target.id)
  conn.send({ type: 'ack', replyTo: frame.id, user: target.username })
}

export const unblock: Command<'unblock'> = async (ctx, conn, frame) => {
  const user = conn.user
  const target = await findUser(ctx, frame.user)
  if (!(await ctx.storage.blocks.unblock(user.userId, target.id))) {
    throw new ParleyError(ErrorCode.NotBlocked, `${target.username} was not blocked`, { user: target.username })
  }
  conn.send({ type: 'ack', replyTo: frame.id, user: target.username })
}
