/**
 * A gateway without a shared bus (`pnpm dev`: board and gateway are two processes, each with its own
 * in-process bus) follows new notifications in the database: a notification stored after the start
 * reaches the recipient's connections; older ones are not replayed; others' connections get nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryBus, silentLogger } from '@parley/bus'
import { decodeServerMessage } from '@parley/protocol'
import { openStorage, type Storage, type UserRow } from '@parley/storage'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { forwardNotifications, type NotificationForwarding } from '../src/notifications.js'

const T0 = 1_700_000_000_000

let dir: string
let storage: Storage
let forwarding: NotificationForwarding | undefined
const bus = createMemoryBus()

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-follow-'))
  storage = await openStorage({ sqlitePath: join(dir, 'parley.db') })
})
afterEach(async () => {
  await forwarding?.close()
  await storage.close()
  await rm(dir, { recursive: true, force: true })
})

function addUser(username: string): Promise<UserRow> {
  return storage.users.createUser({ username, usernameKey: username, passwordHash: 'h', createdAt: T0 })
}

describe('following notifications in the database', () => {
  it('pushes notifications stored after the start to the recipient’s connections only', async () => {
    const [ann, hans, bob] = [await addUser('ann'), await addUser('hans'), await addUser('bob')]
    const old = await storage.posts.createPost(hans.id, 'before @ann', T0)
    await storage.notifications.create({
      recipientId: ann.id,
      kind: 'mention',
      actorId: hans.id,
      postId: old.id,
      excerpt: 'before @ann',
      createdAt: T0,
    })
    const sent = new Map<number, string[]>([
      [ann.id, []],
      [bob.id, []],
    ])
    const targets = {
      connectionsOf: (userId: number) => {
        const frames = sent.get(userId)
        return frames ? [{ sendEncoded: (text: string | Buffer) => frames.push(String(text)) > 0 }] : []
      },
    }
    const counted: number[] = []
    const metrics = { framesOut: { inc: (_labels: { type: string }, value = 1) => void counted.push(value) } }
    forwarding = await forwardNotifications(bus, targets, metrics, silentLogger, { storage, pollMs: 20 })

    const post = await storage.posts.createPost(hans.id, 'after @ann', T0 + 1)
    await storage.notifications.create({
      recipientId: ann.id,
      kind: 'reply',
      actorId: hans.id,
      postId: post.id,
      excerpt: 'after @ann',
      createdAt: T0 + 1,
    })
    await vi.waitFor(() => expect(sent.get(ann.id)).toHaveLength(1), { timeout: 5000 })
    expect(decodeServerMessage(sent.get(ann.id)![0]!)).toEqual({
      type: 'notification',
      kind: 'reply',
      from: 'hans',
      excerpt: 'after @ann',
      postId: post.id,
      threadId: post.id,
      at: T0 + 1,
      unread: 2,
    })
    // A few more polls: nothing is sent twice, nothing reaches bob, the old one is never replayed.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(sent.get(ann.id)).toHaveLength(1)
    expect(sent.get(bob.id)).toEqual([])
    expect(counted).toEqual([1])
  })
})
