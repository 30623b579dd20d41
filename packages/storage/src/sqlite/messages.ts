import type { Database } from 'better-sqlite3'
import { checkLimit, DEFAULT_PENDING_LIMIT, pageBound } from '../paging.js'
import { selectMessages } from '../sql/columns.js'
import type { ChatMessageRow, MessageStore, NewChatMessage, StoredMessage } from '../types.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteMessageStore(db: Database, run: SqliteRunner): MessageStore {
  const insert = db.prepare<[NewChatMessage], { id: number }>(
    `INSERT INTO messages (sender_id, recipient_id, client_id, body, created_at)
     VALUES (@senderId, @recipientId, @clientId, @body, @createdAt)
     ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING id`,
  )
  const byId = db.prepare<[number], ChatMessageRow>(`${selectMessages} WHERE m.id = ?`)
  const bySenderClientId = db.prepare<[number, string], ChatMessageRow>(
    `${selectMessages} WHERE m.sender_id = ? AND m.client_id = ?`,
  )
  const pending = db.prepare<[number, number], ChatMessageRow>(
    `${selectMessages} WHERE m.recipient_id = ? AND m.delivered_at IS NULL ORDER BY m.id LIMIT ?`,
  )
  const deliver = db.prepare<[number, number, string]>(
    `UPDATE messages SET delivered_at = ?
     WHERE recipient_id = ? AND delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
  )
  const conversation = db.prepare<[number, number, number, number, number, number], ChatMessageRow>(
    `${selectMessages}
     WHERE ((m.sender_id = ? AND m.recipient_id = ?) OR (m.sender_id = ? AND m.recipient_id = ?)) AND m.id < ?
     ORDER BY m.id DESC LIMIT ?`,
  )
  const forUser = db.prepare<[number, number, number, number], ChatMessageRow>(
    `${selectMessages} WHERE (m.sender_id = ? OR m.recipient_id = ?) AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
  )
  const countPending = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM messages WHERE delivered_at IS NULL AND recipient_id IS NOT NULL',
  )

  // Insert-or-find inside one write (its own savepoint of the batch): a resend returns exactly the row first stored.
  const store = (message: NewChatMessage): StoredMessage => {
    const inserted = insert.get(message)
    if (inserted) return { message: byId.get(inserted.id)!, duplicate: false }
    return { message: bySenderClientId.get(message.senderId, message.clientId)!, duplicate: true }
  }

  return {
    storeMessage: (message) => run.write(() => store(message)),
    pendingMessages: (recipientId, limit = DEFAULT_PENDING_LIMIT) =>
      run(() => pending.all(recipientId, checkLimit(limit))),
    markDelivered: (recipientId, ids, now) =>
      run.write(() => {
        if (ids.length > 0) deliver.run(now, recipientId, JSON.stringify(ids))
      }),
    conversation: (userA, userB, request) =>
      run(() => conversation.all(userA, userB, userB, userA, pageBound(request), checkLimit(request.limit))),
    forUser: (userId, request) => run(() => forUser.all(userId, userId, pageBound(request), checkLimit(request.limit))),
    countPending: () => run(() => countPending.get()!.n),
  }
}
