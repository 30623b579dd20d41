import { StorageError, StorageErrorCode } from '../errors.js'
import { checkLimit, DEFAULT_PENDING_LIMIT, pageBound } from '../paging.js'
import { selectMessages, selectMessagesFrom } from '../sql/columns.js'
import type { ChatMessageRow, MessageStore, StoredMessage } from '../types.js'
import type { PgDb } from './client.js'

export function createPostgresMessageStore(db: PgDb): MessageStore {
  return {
    async storeMessage(message): Promise<StoredMessage> {
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
        const [first] = await db.query<ChatMessageRow>(
          `${selectMessages} WHERE m.sender_id = $1 AND m.client_id = $2`,
          [message.senderId, message.clientId],
        )
        if (first) return { message: first, duplicate: true }
        // The first copy vanished in between (its sender was deleted): try to store it again.
      }
      throw new StorageError(StorageErrorCode.Conflict, 'message kept conflicting with a vanishing copy')
    },
    pendingMessages: (recipientId, limit = DEFAULT_PENDING_LIMIT) =>
      db.query<ChatMessageRow>(
        `${selectMessages} WHERE m.recipient_id = $1 AND m.delivered_at IS NULL ORDER BY m.id LIMIT $2`,
        [recipientId, checkLimit(limit)],
      ),
    async markDelivered(recipientId, ids, now) {
      if (ids.length === 0) return
      await db.execute(
        `UPDATE messages SET delivered_at = $1
         WHERE recipient_id = $2 AND delivered_at IS NULL AND id = ANY($3::bigint[])`,
        [now, recipientId, ids],
      )
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
