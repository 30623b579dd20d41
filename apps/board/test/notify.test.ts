/**
 * The notifier (notifications/notify.ts) over a real SQLite storage: whom a post or reply notifies,
 * what it announces on the bus (the frame the chat shows, with the unread count), and the excerpt.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BoardNotification } from '@parley/protocol'
import { openSqliteStorage, type Storage, type UserRow } from '@parley/storage'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLocalNotificationEvents } from '../src/events/notification-events.js'
import { excerptOf } from '../src/notifications/excerpt.js'
import { createNotifier, type Notifier } from '../src/notifications/notify.js'

const T0 = 1_700_000_000_000
const log = pino({ level: 'silent' })

let dir: string
let storage: Storage
let heard: BoardNotification[]
let notifier: Notifier

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-notify-'))
  storage = await openSqliteStorage(join(dir, 'parley.db'))
  const events = createLocalNotificationEvents()
  heard = []
  events.subscribe((event) => heard.push(event))
  notifier = createNotifier({ storage, events, now: () => T0 })
})
afterEach(async () => {
  await storage.close()
  await rm(dir, { recursive: true, force: true })
})

function addUser(username: string): Promise<UserRow> {
  return storage.users.createUser({ username, usernameKey: username.toLowerCase(), passwordHash: 'h', createdAt: T0 })
}

describe('notifier', () => {
  it('notifies the answered author and each named user once, finds names regardless of case, and announces them', async () => {
    const [ann, hans, cid] = [await addUser('Ann'), await addUser('hans'), await addUser('cid')]
    const post = await storage.posts.createPost(ann.id, 'question', T0)
    const reply = await storage.posts.createReply({
      parentId: post.id,
      authorId: hans.id,
      body: 'yes @ann, and @CID, and @hans and @ghost',
      quoteId: null,
      createdAt: T0,
    })
    const stored = await notifier.afterPost(reply, { id: hans.id, username: 'hans' }, log)
    expect(stored.map((row) => [row.recipientId, row.kind])).toEqual([
      [ann.id, 'reply'],
      [cid.id, 'mention'],
    ])
    expect(heard).toEqual([
      {
        type: 'created',
        recipientId: ann.id,
        notification: {
          type: 'notification',
          kind: 'reply',
          from: 'hans',
          excerpt: 'yes @ann, and @CID, and @hans and @ghost',
          postId: reply.id,
          threadId: post.id,
          at: T0,
          unread: 1,
        },
      },
      expect.objectContaining({ recipientId: cid.id }),
    ])
    // Again (an edit that names nobody new): nothing new, nothing announced.
    expect(await notifier.afterPost(reply, { id: hans.id, username: 'hans' }, log)).toEqual([])
    expect(heard).toHaveLength(2)

    expect(await notifier.markAllRead(ann.id, undefined, log)).toBe(1)
    expect(heard.at(-1)).toEqual({ type: 'read', recipientId: ann.id, unread: 0 })
  })

  it('cuts the excerpt at a word, folding whitespace', () => {
    expect(excerptOf('  short\n\ntext  ')).toBe('short text')
    const long = `${'word '.repeat(30)}end`
    const cut = excerptOf(long)
    expect(cut.endsWith('word…')).toBe(true)
    expect([...cut].length).toBeLessThanOrEqual(81)
    expect(excerptOf('x'.repeat(100))).toBe(`${'x'.repeat(80)}…`)
  })
})
