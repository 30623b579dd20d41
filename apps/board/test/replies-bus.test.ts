/**
 * Reply events across boards (issue 16): two boards on one database, each with its own Redis bus
 * connection. A reply made through board A's form reaches board B's listeners as `replied` (the reply
 * and its post's counts), and its deletion as `deleted` with the recounted thread; a malformed reply
 * event on the channel is dropped.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createAuth } from '@parley/auth'
import { type Bus, openBus } from '@parley/bus'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import {
  decodePostEventMessage,
  openBusPostEvents,
  type PostEvent,
  type PostEvents,
} from '../src/events/post-events.js'
import { createLogger } from '../src/logging.js'
import { createMediaLibrary } from '../src/media/index.js'
import { formatSse } from '../src/routes/events.js'
import { createServer } from '../src/server.js'
import { Client } from './support.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PASSWORD = 'correct horse battery'

let dir: string
let storage: Storage
const buses: Bus[] = []
const events: PostEvents[] = []
const boards: Awaited<ReturnType<typeof createServer>>[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-replies-bus-'))
  const config = loadConfig({ AUTH_RATE_LIMIT: '1000', AUTH_CREATE_RATE_LIMIT: '1000' }, { repoRoot: dir, cwd: dir })
  await mkdir(config.mediaDir, { recursive: true })
  const certs = await ensureCerts(config.certsDir)
  storage = await openSqliteStorage(config.databasePath)
  const prefix = `parley-test:replies-bus-${process.pid}-${Date.now().toString(36)}:`
  const logger = createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }))
  const auth = createAuth({ storage })
  for (let i = 0; i < 2; i++) {
    const bus = await openBus({ redisUrl, prefix })
    buses.push(bus)
    events.push(await openBusPostEvents(bus))
    boards.push(
      await createServer(config, {
        logger,
        storage,
        auth,
        tls: { key: certs.key, cert: certs.cert },
        media: createMediaLibrary(config.mediaDir),
        events: events[i]!,
        now: Date.now,
      }),
    )
  }
}, 30_000)

afterAll(async () => {
  for (const app of boards) await app.close()
  for (const postEvents of events) await postEvents.close()
  for (const bus of buses) await bus.close()
  await storage?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('reply events on the bus', () => {
  it("reach the other board: a new reply with its post's counts, and its deletion with the recount", async () => {
    const alice = new Client(boards[0]!)
    await alice.register('alice', PASSWORD)
    const bob = new Client(boards[0]!)
    await bob.register('bob', PASSWORD)
    expect((await alice.createPost('A thread')).statusCode).toBe(303)
    const [post] = await storage.posts.listPosts({ limit: 1 })
    const heard: PostEvent[] = []
    // The post's own `created` may still be on its way: only the reply's events are counted.
    events[1]!.subscribe((event) => {
      if (event.type !== 'created') heard.push(event)
    })
    // Something the other board must drop: a reply event without its thread's counts.
    await buses[0]!.publish('board:posts', { type: 'replied', post: { id: 1 } })

    const replied = await bob.submit(`/posts/${post!.id}`, `/posts/${post!.id}/replies`, { body: 'An **answer**' })
    expect(replied.statusCode).toBe(303)
    await expect.poll(() => heard.length).toBe(1)
    const [reply] = await storage.posts.listReplies(post!.id, { limit: 1 })
    const event = heard[0]!
    expect(event).toEqual({
      type: 'replied',
      post: {
        id: reply!.id,
        authorId: reply!.authorId,
        authorName: 'bob',
        body: 'An **answer**',
        createdAt: reply!.createdAt,
        updatedAt: null,
        parentId: post!.id,
      },
      thread: { id: post!.id, replyCount: 1, lastActivityAt: reply!.createdAt },
    })
    // What board B's event streams send: the body rendered as on the page.
    expect(formatSse(event)).toContain('"bodyHtml":"<p>An <strong>answer</strong></p>"')

    expect((await bob.submit(`/posts/${post!.id}`, `/posts/${reply!.id}/delete`, {})).statusCode).toBe(303)
    await expect.poll(() => heard.length).toBe(2)
    expect(heard[1]).toEqual({
      type: 'deleted',
      id: reply!.id,
      thread: { id: post!.id, replyCount: 0, lastActivityAt: post!.createdAt },
    })
  })

  it('checks reply events against the schema', () => {
    const thread = { id: 1, replyCount: 1, lastActivityAt: 5 }
    const post = { id: 2, authorId: 1, authorName: 'a', body: 'b', createdAt: 5, updatedAt: null, parentId: 1 }
    expect(decodePostEventMessage({ type: 'replied', post, thread })).not.toBeNull()
    expect(decodePostEventMessage({ type: 'replied', post })).toBeNull()
    expect(decodePostEventMessage({ type: 'replied', post, thread: { ...thread, replyCount: -1 } })).toBeNull()
    expect(decodePostEventMessage({ type: 'deleted', id: 2, thread })).not.toBeNull()
  })
})
