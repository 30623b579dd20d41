/**
 * Direct messages: `message` (validate, store, ack, push) and `received` (the client has shown them:
 * they leave the offline queue, whose cursor each connection owns: offline-queue.ts). A message is acked
 * only after it is stored, and stored once per (sender, client id), so resends are harmless.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'
import { messageFrame } from '../offline-queue.js'
import type { Command } from './types.js'
import { findRecipient, findUser, forgetRecipient } from './users.js'

export const message: Command<'message'> = async (ctx, conn, frame) => {
  const sender = conn.user
  let recipient = await findRecipient(ctx, frame.to)
  if (recipient.id === sender.userId) {
    throw new ParleyError(ErrorCode.SelfTarget, 'You cannot send a message to yourself', { user: recipient.username })
  }
  if ((await ctx.storage.blocks.blockedBy(recipient.id)).includes(sender.userId)) {
    throw new ParleyError(ErrorCode.BlockedByRecipient, 'The recipient has blocked you', { user: recipient.username })
  }
  const store = (recipientId: number) =>
    ctx.storage.messages.storeMessage({
      senderId: sender.userId,
      recipientId,
      clientId: frame.id,
      body: frame.text,
      createdAt: ctx.now(),
    })
  const { message: row, duplicate } = await store(recipient.id).catch(async (error: unknown) => {
    if (!(error instanceof StorageError && error.code === StorageErrorCode.NotFound)) throw error
    // The remembered recipient was deleted since: look the name up afresh (maybe a new account).
    forgetRecipient(ctx, frame.to)
    recipient = await findUser(ctx, frame.to)
    return store(recipient.id)
  })
  const online = await ctx.cluster.directory.isOnline(recipient.id)
  if (duplicate) conn.log.debug({ messageId: row.id }, 'resent message acknowledged again')
  else ctx.metrics.messagesStored.inc()
  // Published BEFORE the ack, and again for a resend the recipient has not confirmed: a gateway that
  // died between storing and publishing left a message no live connection was told about, and the
  // sender's resend (it had no ack) is what brings it to the recipient now. Published even when the
  // directory says offline: a connection signing in right now still gets it.
  if (!duplicate || row.deliveredAt === null) {
    await ctx.publishDelivery({ kind: 'deliver', userId: recipient.id, frame: messageFrame(row, false) })
  }
  // The sender's other devices show it in the conversation too (live only: `history` has it anyway).
  // Not awaited: the ack does not wait for it.
  if (!duplicate) {
    void ctx.publish({
      kind: 'deliver',
      userId: sender.userId,
      exceptConnId: conn.connId,
      frame: { type: 'sent', messageId: row.id, to: recipient.username, text: row.body, at: row.createdAt },
    })
  }
  conn.send({ type: 'ack', replyTo: frame.id, messageId: row.id, delivered: online })
}

export const received: Command<'received'> = async (ctx, conn, frame) => {
  await ctx.storage.messages.markDelivered(conn.user.userId, frame.ids, ctx.now())
  await conn.offline.confirmed(frame.ids)
}
