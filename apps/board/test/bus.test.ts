/**
 * The board on the bus: post events reach the listeners of another board process (two real Redis
 * buses), a refused publish leaves the saved post a success, and a revocation heard on the bus ends
 * that session's live-update stream at once.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createAuth, REVOKE_CHANNEL } from '@parley/auth'
import { type Bus, createMemoryBus, openBus } from '@parley/bus'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage } from '@parley/storage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openBusPostEvents, POST_EVENTS_CHANNEL, type PostEvent } from '../src/events/post-events.js'
import { openRevocations } from '../src/events/revocations.js'
import { createLogger } from '../src/logging.js'
import { createMediaLibrary } from '../src/media/index.js'
import { createServer } from '../src/server.js'
import { Client, createTestBoard } from './support.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PASSWORD = 'correct horse battery'
let counter = 0
const uniquePrefix = () => `parley-test:board-${process.pid}-${Date.now().toString(36)}-${++counter}:`

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    },
    { timeout: timeoutMs, interval: 10 },
  )
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('post events over Redis', () => {
  it('reach the listeners of another board, and a foreign message on the channel is dropped', async () => {
    const prefix = uniquePrefix()
    const buses: Bus[] = []
    for (let i = 0; i < 3; i++) buses.push(await openBus({ redisUrl, prefix }))
    cleanups.push(async () => {
      for (const bus of buses) await bus.close()
    })
    const [boardA, boardB] = [await openBusPostEvents(buses[0]!), await openBusPostEvents(buses[1]!)]
    cleanups.push(async () => {
      await boardA.close()
      await boardB.close()
    })
    const seen: PostEvent[] = []
    boardB.subscribe((event) => seen.push(event))
    await buses[2]!.publish(POST_EVENTS_CHANNEL, { type: 'created', post: { id: 'not a post' } })
    const created: PostEvent = {
      type: 'created',
      post: { id: 9, authorId: 1, authorName: 'alice', body: 'hi', createdAt: 1, updatedAt: null },
    }
    await boardA.publish(created)
    await boardA.publish({ type: 'deleted', id: 9 })
    await until(() => seen.length === 2, 'two events on board B')
    expect(seen).toEqual([created, { type: 'deleted', id: 9 }])
  })

  it('fails naming Redis when it is not there', async () => {
    await expect(openBus({ redisUrl: 'redis://127.0.0.1:1', redis: { connectTimeoutMs: 1000 } })).rejects.toThrow(
      /Redis is not reachable at redis:\/\/127\.0\.0\.1:1/,
    )
  })
})

describe('a refused publish', () => {
  it('still answers a saved post with the redirect, and logs it', async () => {
    const board = await createTestBoard()
    cleanups.push(() => board.close())
    board.events.publish = () => Promise.reject(new Error('Redis at redis://x is unavailable'))
    const alice = new Client(board.app)
    await alice.register('alice', PASSWORD)
    const response = await alice.createPost('saved even so')
    expect(response.statusCode).toBe(303)
    expect((await board.storage.posts.listPosts({ limit: 5 })).map((post) => post.body)).toEqual(['saved even so'])
    expect(board.logs.some((entry) => entry.msg === 'live update not published: the change is saved')).toBe(true)
  })
})

describe('revocations on the bus', () => {
  it("end that session's live-update stream at once, and only that session's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-board-bus-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const config = loadConfig({ AUTH_RATE_LIMIT: '1000', SSE_HEARTBEAT_SECONDS: '3600' }, { repoRoot: dir, cwd: dir })
    await mkdir(config.mediaDir, { recursive: true })
    const certs = await ensureCerts(config.certsDir)
    const storage = await openSqliteStorage(config.databasePath)
    cleanups.push(() => storage.close())
    const bus = createMemoryBus()
    cleanups.push(() => bus.close())
    const logger = createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }))
    const auth = createAuth({ storage, onRevoke: (event) => bus.publish(REVOKE_CHANNEL, event) })
    const events = await openBusPostEvents(bus)
    const revocations = await openRevocations(bus)
    const app = await createServer(config, {
      logger,
      storage,
      auth,
      tls: { key: certs.key, cert: certs.cert },
      media: createMediaLibrary(config.mediaDir),
      events,
      revocations,
      now: Date.now,
    })
    cleanups.push(async () => {
      await app.close()
      await events.close()
      await revocations.close()
    })
    const alice = new Client(app)
    await alice.register('alice', PASSWORD)
    const other = new Client(app)
    await other.login('alice', PASSWORD)
    let aliceEnded = false
    let otherEnded = false
    const aliceStream = alice.get('/events').then((response) => {
      aliceEnded = true
      return response
    })
    void other.get('/events').then(() => {
      otherEnded = true
    })
    // Signing out revokes the session; the stream of that session ends well before any heartbeat.
    await until(() => app.longLived.size === 2, 'both streams to open')
    const session = await storage.sessions.getSession(auth.hashToken(alice.cookies.get('__Host-parley')!))
    await auth.logout(alice.cookies.get('__Host-parley')!)
    expect(session).not.toBeNull()
    const response = await aliceStream
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain(': connected')
    expect(aliceEnded).toBe(true)
    await new Promise((resolve) => setImmediate(resolve))
    expect(otherEnded).toBe(false)
    expect(app.longLived.size).toBe(1)
  })
})
