/**
 * Notifications across boards: two board processes' apps (one SQLite file, two real Redis buses with
 * one prefix) — a mention posted on board A reaches the mentioned user's live stream on board B as
 * `event: unread` with the count, and "mark all read" on A brings B's count to 0. Real TLS streams.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createAuth } from '@parley/auth'
import { type Bus, openBus } from '@parley/bus'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openBusNotificationEvents } from '../src/events/notification-events.js'
import { createLocalPostEvents } from '../src/events/post-events.js'
import type { BoardInstance } from '../src/http/types.js'
import { createLogger } from '../src/logging.js'
import { createMediaLibrary } from '../src/media/index.js'
import { createServer } from '../src/server.js'
import { Client, HOST } from './support.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PASSWORD = 'correct horse battery'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startBoard(dir: string, bus: Bus): Promise<{ app: BoardInstance; storage: Storage }> {
  const config = loadConfig({ AUTH_RATE_LIMIT: '1000', SSE_HEARTBEAT_SECONDS: '3600' }, { repoRoot: dir, cwd: dir })
  await mkdir(config.mediaDir, { recursive: true })
  const certs = await ensureCerts(config.certsDir)
  const storage = await openSqliteStorage(config.databasePath)
  const notifications = await openBusNotificationEvents(bus)
  const events = createLocalPostEvents()
  const app = await createServer(config, {
    logger: createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() })),
    storage,
    auth: createAuth({ storage }),
    tls: { key: certs.key, cert: certs.cert },
    media: createMediaLibrary(config.mediaDir),
    events,
    notifications,
    now: Date.now,
  })
  cleanups.push(async () => {
    await app.close()
    await notifications.close()
    await events.close()
    await storage.close()
  })
  return { app, storage }
}

/** Opens `GET /events` over real TLS with the client's cookies; collects what arrives. */
async function openStream(app: BoardInstance, client: Client): Promise<{ text: () => string }> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as AddressInfo).port
  let received = ''
  await new Promise<void>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/events',
        rejectUnauthorized: false,
        headers: { host: HOST, cookie: client.cookieHeader(), accept: 'text/event-stream' },
      },
      (response) => {
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          received += chunk
          if (received.includes(': connected')) resolve()
        })
      },
    )
    req.on('error', reject)
    req.end()
    cleanups.push(async () => void req.destroy())
  })
  return { text: () => received }
}

describe('notifications across two boards on Redis', () => {
  it('a mention on board A updates the unread count on board B’s open stream, and so does mark all read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-board-notify-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const prefix = `parley-test:notify-${process.pid}-${Date.now().toString(36)}:`
    const buses = [await openBus({ redisUrl, prefix }), await openBus({ redisUrl, prefix })]
    cleanups.push(async () => {
      for (const bus of buses) await bus.close()
    })
    const a = await startBoard(dir, buses[0]!)
    const b = await startBoard(dir, buses[1]!)

    const hans = new Client(a.app)
    await hans.register('hans', PASSWORD)
    const noraOnA = new Client(a.app)
    await noraOnA.register('nora', PASSWORD)
    const noraOnB = new Client(b.app)
    expect((await noraOnB.login('nora', PASSWORD)).statusCode).toBe(303)
    const stream = await openStream(b.app, noraOnB)

    expect((await hans.createPost('look @nora')).statusCode).toBe(303)
    await expect.poll(() => stream.text(), { timeout: 10_000 }).toContain('event: unread')
    const created = /event: unread\ndata: (.*)\n/.exec(stream.text())![1]!
    expect(JSON.parse(created)).toMatchObject({ type: 'notification', kind: 'mention', from: 'hans', unread: 1 })

    expect((await noraOnA.submit('/notifications', '/notifications/read', {})).statusCode).toBe(303)
    await expect.poll(() => stream.text(), { timeout: 10_000 }).toContain('data: {"unread":0}')
  })
})
