/**
 * SIGTERM drains gracefully, sent to the real processes (apps/board/src/main.ts and
 * apps/chat-gateway/src/main.ts). The board finishes in-flight downloads (HTTP/1.1 and HTTP/2,
 * byte-exact) while refusing new connections, then exits 0. The gateway says `bye {shutdown}` with
 * close code 1001 to 30 signed-in clients, keeps every message it acknowledged, closes their presence
 * and exits 0. (The gateway's own restart test covers SIGKILL mid-storm and one client's bye:
 * apps/chat-gateway/test/restart.test.ts; in-process graceful close of the board is in
 * apps/board/test/server.https.test.ts.)
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { connect as http2Connect } from 'node:http2'
import { request as httpsRequest } from 'node:https'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage } from '@parley/storage'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../src/chat-client.js'
import { NodeChild } from '../src/node-child.js'
import { seedUsers } from '../src/seed.js'
import { type TempDir, tempDir } from '../src/temp.js'

const APPS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps')
const BIG_SIZE = 24 * 1024 * 1024

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function workspace(name: string): Promise<TempDir> {
  const dir = await tempDir(name)
  cleanups.push(() => dir.remove())
  return dir
}

function track(child: NodeChild): NodeChild {
  cleanups.push(async () => {
    child.kill('SIGKILL')
    await child.exited
  })
  return child
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of stream) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

describe('board: SIGTERM', () => {
  it('finishes in-flight downloads over HTTP/1.1 and HTTP/2, refuses new connections, exits 0', async () => {
    const dir = await workspace('board-term')
    const certs = await ensureCerts(join(dir.path, 'certs'))
    const mediaDir = join(dir.path, 'media')
    await mkdir(mediaDir)
    const big = randomBytes(BIG_SIZE)
    await writeFile(join(mediaDir, 'big.mp4'), big)
    const board = track(
      await NodeChild.start('src/main.ts', {
        cwd: join(APPS, 'board'),
        env: {
          BOARD_HOST: '127.0.0.1',
          BOARD_PORT: '0',
          DATABASE_PATH: join(dir.path, 'data', 'parley.db'),
          CERTS_DIR: join(dir.path, 'certs'),
          MEDIA_DIR: mediaDir,
          LOG_LEVEL: 'info',
        },
        ready: (entry) => typeof entry.url === 'string',
      }),
    )
    const url = new URL(String(board.logs.find((entry) => typeof entry.url === 'string')!.url))
    const port = Number(url.port)

    // Two downloads start, read a little, then stall (a slow client) while the board is told to stop.
    const h1 = await new Promise<IncomingMessage>((resolve, reject) => {
      httpsRequest(
        { host: '127.0.0.1', port, path: '/media/big.mp4', ca: certs.ca, servername: 'localhost', agent: false },
        resolve,
      )
        .on('error', reject)
        .end()
    })
    expect(h1.statusCode).toBe(200)
    const session = http2Connect(`https://localhost:${port}`, { ca: certs.ca })
    const h2 = session.request({ ':path': '/media/big.mp4' })
    const [h2Headers] = (await once(h2, 'response')) as [Record<string, unknown>]
    expect(h2Headers[':status']).toBe(200)
    const h1Hash = createHash('sha256')
    h1.once('data', (chunk: Buffer) => {
      h1Hash.update(chunk)
      h1.pause()
    })
    await once(h1, 'pause')
    h2.pause()

    board.kill('SIGTERM')
    await board.waitForLog((entry) => entry.signal === 'SIGTERM')
    // A new client is not let in while the old ones finish.
    const refused = await new Promise<string>((resolve) => {
      httpsRequest(
        { host: '127.0.0.1', port, path: '/healthz', ca: certs.ca, servername: 'localhost', agent: false },
        (res) => resolve(`HTTP ${res.statusCode}`),
      )
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
        .end()
    })
    expect(refused).toMatch(/ECONNREFUSED|ECONNRESET|HTTP 503/)
    expect(board.process.exitCode).toBeNull()

    h1.on('data', (chunk: Buffer) => h1Hash.update(chunk))
    h1.resume()
    const h1Done = once(h1, 'end').then(() => h1Hash.digest('hex'))
    const h2Done = readAll(h2)
    const expected = sha256(big)
    expect(await h1Done).toBe(expected)
    expect(await h2Done).toBe(expected)
    session.close()
    expect(await board.exited).toEqual({ code: 0, signal: null })
    expect(board.logs.map((entry) => entry.msg)).toContain('stopped')
  })
})

describe('gateway: SIGTERM', () => {
  it('says bye {shutdown} with 1001 to every client, keeps every acked message, closes presence, exits 0', async () => {
    const dir = await workspace('gateway-term')
    const certs = await ensureCerts(join(dir.path, 'certs'))
    const dbPath = join(dir.path, 'parley.db')
    const names = Array.from({ length: 30 }, (_, i) => `user${i}`)
    const seeding = await openSqliteStorage(dbPath)
    const users = await seedUsers(seeding, names, 'correct horse battery')
    await seeding.close()
    const gateway = track(
      await NodeChild.start('src/main.ts', {
        cwd: join(APPS, 'chat-gateway'),
        env: {
          CHAT_HOST: '127.0.0.1',
          CHAT_PORT: '0',
          CHAT_INSTANCE_ID: 'e2e-term',
          DATABASE_PATH: dbPath,
          CERTS_DIR: join(dir.path, 'certs'),
          CHAT_RATE_PER_SECOND: '10000',
          CHAT_RATE_BURST: '10000',
          CHAT_USER_RATE_PER_SECOND: '10000',
          CHAT_USER_RATE_BURST: '10000',
          // 30 sign-ins from 127.0.0.1 at once: the abuse limits are not under test here.
          AUTH_RATE_LIMIT: '100000',
          LOG_LEVEL: 'info',
        },
        ready: (entry) => entry.msg === 'chat gateway listening',
      }),
    )
    const port = Number(gateway.logs.find((entry) => entry.msg === 'chat gateway listening')!.port)
    const url = `wss://127.0.0.1:${port}/`
    const clients = await Promise.all(users.map(() => ChatClient.connect(url, { ca: certs.ca })))
    cleanups.push(async () => {
      for (const client of clients) client.terminate()
    })
    for (const [i, client] of clients.entries()) {
      expect(await client.request({ type: 'resume', v: 1, token: users[i]!.token })).toMatchObject({ type: 'welcome' })
    }
    // Every client sends a message to the next one, and SIGTERM arrives while they are in flight.
    const sent = clients.map((client, i) =>
      client.send({ type: 'message', to: names[(i + 1) % names.length]!, text: `drain ${i}` }),
    )
    gateway.kill('SIGTERM')
    for (const client of clients) {
      expect(await client.waitClosed(20_000)).toMatchObject({ code: 1001 })
      expect(client.ofType('bye').at(-1)).toMatchObject({ reason: 'shutdown' })
      expect(client.invalid).toEqual([])
    }
    expect(await gateway.exited).toEqual({ code: 0, signal: null })
    expect(gateway.logs.map((entry) => entry.msg)).toContain('stopped')

    const storage = await openSqliteStorage(dbPath)
    try {
      expect(await storage.check()).toEqual([])
      // Every acknowledged message is stored, exactly once.
      for (const [i, client] of clients.entries()) {
        const acked = client.frames.some((frame) => frame.type === 'ack' && frame.replyTo === sent[i])
        const to = users[(i + 1) % users.length]!
        const rows = await storage.messages.conversation(users[i]!.id, to.id, { limit: 10 })
        const mine = rows.filter((row) => row.body === `drain ${i}`)
        if (acked) expect(mine).toHaveLength(1)
        else expect(mine.length).toBeLessThanOrEqual(1)
      }
      // Nobody is left "online" in the presence history.
      expect(await storage.presence.usersOnlineSince(Date.now() + 60_000)).toEqual([])
    } finally {
      await storage.close()
    }
  })
})
