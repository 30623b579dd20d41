/**
 * Direct messages: `message` (validate, store, ack, push), `received` (the client has shown them:
 * they leave the offline queue), and the offline-queue replay after sign-in. A message is acked
 * only after it is stored, and stored once per (sender, client id), so resends are harmless.
 * @module
 */
import { ErrorCode, ParleyError, type ServerMessageOf } from '@parley/protocol'
import { type ChatMessageRow, MAX_PAGE_LIMIT, StorageError, StorageErrorCode } from '@parley/storage'
import type { Connection } from '../connection.js'
import type { GatewayContext } from '../context.js'
import { MAX_UNCONFIRMED } from '../unconfirmed.js'
import type { Command } from './index.js'
import { findRecipient, findUser, forgetRecipient, me } from './users.js'

/** Queued messages pushed at once; the next batch follows when the client confirmed this one. */
export const OFFLINE_BATCH = 100

function messageEvent(row: ChatMessageRow, offline: boolean): ServerMessageOf<'message'> {
  return {
    type: 'message',
    messageId: row.id,
    from: row.senderName ?? '(deleted user)',
    text: row.body,
    at: row.createdAt,
    offline,
  }
}

export const message: Command<'message'> = async (ctx, conn, frame) => {
  const sender = me(conn)
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
    const event = { kind: 'deliver', userId: recipient.id, frame: messageEvent(row, false) } as const
    if (!(await ctx.publish(event))) ctx.redelivery.add(event)
  }
  conn.send({ type: 'ack', replyTo: frame.id, messageId: row.id, delivered: online })
}

export const received: Command<'received'> = async (ctx, conn, frame) => {
  const user = me(conn)
  await ctx.storage.messages.markDelivered(user.userId, frame.ids, ctx.now())
  for (const id of frame.ids) conn.outstanding.delete(id)
  if (conn.morePending && conn.outstanding.size === 0) await pushPending(ctx, conn)
}

/**
 * Pushes the next batch of the user's offline queue (oldest first) that this connection has not been
 * sent. Live messages wait in the queue meanwhile (`holdLive`), so everything arrives in the order
 * stored; storage is asked for at most a page (`MAX_PAGE_LIMIT`) and a connection holds at most
 * `MAX_UNCONFIRMED` unconfirmed messages.
 */
export async function pushPending(ctx: GatewayContext, conn: Connection): Promise<void> {
  const user = me(conn)
  conn.holdLive = true
  for (;;) {
    conn.missedLive = false
    const limit = Math.min(MAX_PAGE_LIMIT, OFFLINE_BATCH + conn.outstanding.size)
    const rows = await ctx.storage.messages.pendingMessages(user.userId, limit)
    let pushed = 0
    let stoppedEarly = false
    for (const row of rows) {
      if (conn.outstanding.has(row.id)) continue
      if (pushed === OFFLINE_BATCH || conn.outstanding.size >= MAX_UNCONFIRMED) {
        stoppedEarly = true
        break
      }
      conn.pushQueued(messageEvent(row, true))
      pushed += 1
    }
    conn.morePending = rows.length === limit || stoppedEarly || conn.missedLive
    if (pushed > 0) conn.log.debug({ pushed }, 'offline messages pushed')
    // Nothing in flight whose confirmation would bring the next push, yet a message came meanwhile.
    if (conn.morePending && conn.outstanding.size === 0 && !conn.ended) continue
    break
  }
  conn.holdLive = conn.morePending
}
