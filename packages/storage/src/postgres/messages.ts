import { createBatchQueue, type Settled } from '../batch-queue.js'
import { StorageError, StorageErrorCode } from '../errors.js'
import { checkLimit, DEFAULT_PENDING_LIMIT, pageBound } from '../paging.js'
import { selectMessages, selectMessagesFrom } from '../sql/columns.js'
import type { ChatMessageRow, MessageStore, NewChatMessage, StoredMessage } from '../types.js'
import type { PgDb } from './client.js'

interface DeliveryConfirmation {
  recipientId: number
  ids: readonly number[]
  now: number
}

const keyOf = (senderId: number, clientId: string) => `${senderId}\u0000${clientId}`

/**
 * Settles each item with `single(item)`, one after another so that ids keep the batch's order: the
 * fallback when a batch statement failed, so that only the guilty item fails.
 */
async function eachAlone<I, O>(items: I[], single: (item: I) => Promise<O>): Promise<Settled<O>[]> {
  const outcomes: Settled<O>[] = []
  for (const item of items) {
    try {
      outcomes.push({ ok: true, value: await single(item) })
    } catch (error) {
      outcomes.push({ ok: false, error })
    }
  }
  return outcomes
}

export function createPostgresMessageStore(db: PgDb): MessageStore {
  async function storeOne(message: NewChatMessage): Promise<StoredMessage> {
    const values = [message.senderId, message.recipientId, message.clientId, message.body, message.createdAt]
    // A concurrent insert of the same (sender, clientId) makes ON CONFLICT wait for it to commit and
    // then do nothing; the following read (a new snapshot) sees that first copy.
    for (let tries = 0; tries < 3; tries++) {
      const [inserted] = await db.query<ChatMessageRow>(
        `WITH inserted AS (
           INSERT INTO messages (sender_id, recipient_id, client_id, body, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING *
         ) ${selectMessagesFrom('inserted')}`,
        values,
      )
      if (inserted) return { message: inserted, duplicate: false }
      const [first] = await db.query<ChatMessageRow>(`${selectMessages} WHERE m.sender_id = $1 AND m.client_id = $2`, [
        message.senderId,
        message.clientId,
      ])
      if (first) return { message: first, duplicate: true }
      // The first copy vanished in between (its sender was deleted): try to store it again.
    }
    throw new StorageError(StorageErrorCode.Conflict, 'message kept conflicting with a vanishing copy')
  }

  /**
   * Group commit: the messages of one turn (or that arrived during the previous batch) go in one
   * multi-row INSERT, one commit. Items the INSERT skipped (resends) take the single path, which
   * finds the first copy; if the statement fails (say, a sender deleted meanwhile), each item is
   * tried alone so that only the guilty one fails.
   */
  async function storeMany(messages: NewChatMessage[]): Promise<Settled<StoredMessage>[]> {
    let rows: ChatMessageRow[]
    try {
      rows = await db.query<ChatMessageRow>(
        `WITH input AS (
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])
             WITH ORDINALITY AS t(sender_id, recipient_id, client_id, body, created_at, ord)
         ), inserted AS (
           INSERT INTO messages (sender_id, recipient_id, client_id, body, created_at)
           SELECT sender_id, recipient_id, client_id, body, created_at FROM input ORDER BY ord
           ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING *
         ) ${selectMessagesFrom('inserted')} ORDER BY m.id`,
        [
          messages.map((m) => m.senderId),
          messages.map((m) => m.recipientId),
          messages.map((m) => m.clientId),
          messages.map((m) => m.body),
          messages.map((m) => m.createdAt),
        ],
      )
    } catch {
      return eachAlone(messages, storeOne)
    }
    const inserted = new Map(rows.map((row) => [keyOf(row.senderId!, row.clientId), row]))
    const claimed = new Set<string>()
    return Promise.all(
      messages.map(async (message): Promise<Settled<StoredMessage>> => {
        const key = keyOf(message.senderId, message.clientId)
        const row = inserted.get(key)
        if (row) {
          // The same message twice in one batch (a resend racing its original): the second is a duplicate.
          const duplicate = claimed.has(key)
          claimed.add(key)
          return { ok: true, value: { message: row, duplicate } }
        }
        return storeOne(message).then(
          (value): Settled<StoredMessage> => ({ ok: true, value }),
          (error: unknown): Settled<StoredMessage> => ({ ok: false, error }),
        )
      }),
    )
  }

  async function confirmOne({ recipientId, ids, now }: DeliveryConfirmation): Promise<void> {
    await db.execute(
      `UPDATE messages SET delivered_at = $1
       WHERE recipient_id = $2 AND delivered_at IS NULL AND id = ANY($3::bigint[])`,
      [now, recipientId, ids],
    )
  }

  /** Every confirmation of the batch in one UPDATE (one commit). */
  async function confirmMany(confirmations: DeliveryConfirmation[]): Promise<Settled<void>[]> {
    const recipients: number[] = []
    const ids: number[] = []
    const times: number[] = []
    for (const confirmation of confirmations) {
      for (const id of confirmation.ids) {
        recipients.push(confirmation.recipientId)
        ids.push(id)
        times.push(confirmation.now)
      }
    }
    try {
      await db.execute(
        `UPDATE messages m SET delivered_at = c.at
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS c(recipient_id, id, at)
         WHERE m.id = c.id AND m.recipient_id = c.recipient_id AND m.delivered_at IS NULL`,
        [recipients, ids, times],
      )
    } catch {
      return eachAlone(confirmations, confirmOne)
    }
    return confirmations.map(() => ({ ok: true, value: undefined }))
  }

  // A few batches at once: PostgreSQL commits concurrent transactions in parallel (each sender has at
  // most one message in flight, so no sender's messages can overtake each other).
  const stores = createBatchQueue({ flush: storeMany, maxInFlight: 4 })
  const confirms = createBatchQueue({ flush: confirmMany, maxInFlight: 4 })

  return {
    storeMessage: (message) => stores.push(message),
    pendingMessages: (recipientId, limit = DEFAULT_PENDING_LIMIT) =>
      db.query<ChatMessageRow>(
        `${selectMessages} WHERE m.recipient_id = $1 AND m.delivered_at IS NULL ORDER BY m.id LIMIT $2`,
        [recipientId, checkLimit(limit)],
      ),
    async markDelivered(recipientId, ids, now) {
      if (ids.length > 0) await confirms.push({ recipientId, ids, now })
    },
    conversation: async (userA, userB, request) =>
      db.query<ChatMessageRow>(
        `${selectMessages}
         WHERE ((m.sender_id = $1 AND m.recipient_id = $2) OR (m.sender_id = $2 AND m.recipient_id = $1)) AND m.id < $3
         ORDER BY m.id DESC LIMIT $4`,
        [userA, userB, pageBound(request), checkLimit(request.limit)],
      ),
    forUser: async (userId, request) =>
      db.query<ChatMessageRow>(
        `${selectMessages} WHERE (m.sender_id = $1 OR m.recipient_id = $1) AND m.id < $2 ORDER BY m.id DESC LIMIT $3`,
        [userId, pageBound(request), checkLimit(request.limit)],
      ),
    async countPending() {
      const [row] = await db.query<{ n: number }>(
        'SELECT count(*) AS n FROM messages WHERE delivered_at IS NULL AND recipient_id IS NOT NULL',
      )
      return row?.n ?? 0
    },
  }
}
