/**
 * Faults in a scaled-out Parley (real gateway and board processes on PostgreSQL and Redis, each
 * reached through a TCP relay the test cuts; the shared servers are never stopped):
 * - kill -9 of one gateway under load: its clients reconnect to the other and resume; every
 *   acknowledged message is delivered exactly once; a user who does not come back goes offline
 *   for everyone once the dead gateway's heartbeat expires, and those who moved never flicker.
 * - Redis cut under load: commands keep being acknowledged from storage, live delivery across
 *   gateways pauses, nothing acknowledged is lost: catch-up from storage after the reconnect.
 * - PostgreSQL cut: chat commands and board posts get errors, never false acknowledgements, and
 *   service resumes by itself when the database is back.
 */
import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { ChatClient } from '../src/chat-client.js'
import { rawHttp1 } from '../src/raw-https.js'
import { Deployment, PASSWORD } from '../src/scale-out/deployment.js'
import { ResilientChat } from '../src/scale-out/resilient-client.js'
import type { SeededUser } from '../src/seed.js'
import { until } from '../src/wait.js'

let deployment: Deployment | undefined
const chats: ResilientChat[] = []
afterEach(async () => {
  for (const chat of chats.splice(0)) {
    expect(chat.invalid).toEqual([])
    chat.stop()
  }
  await deployment?.close()
  deployment = undefined
})

function resilient(user: SeededUser, urls: () => string[]): ResilientChat {
  const chat = new ResilientChat({ username: user.username, token: user.token, ca: deployment!.certs.ca, urls })
  chats.push(chat)
  return chat
}

/**
 * Each sender keeps `window` messages in flight to its peer until it has sent `total`; resolves
 * when all are sent (not necessarily acknowledged).
 */
async function load(pairs: [ResilientChat, string][], total: number, window: number): Promise<void> {
  await Promise.all(
    pairs.map(async ([sender, to]) => {
      for (let sent = 0; sent < total; ) {
        if (sender.pending.size >= window) {
          await new Promise((resolve) => setTimeout(resolve, 5))
          continue
        }
        sender.send(to, `${sender.username}->${to} #${sent}`)
        sent += 1
      }
    }),
  )
}

/** The gateway's /healthz body (a 200 is required). */
async function health(port: number): Promise<Record<string, unknown>> {
  const reply = await rawHttp1(port, deployment!.certs.ca, '/healthz')
  expect(reply.status).toBe(200)
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>
}

function ackedCount(chats: readonly ResilientChat[]): number {
  return chats.reduce((sum, chat) => sum + chat.acked.size, 0)
}

/** Every message each sender had acknowledged reached its recipient, shown once; none stored twice. */
async function expectExactlyOnce(
  pairs: [ResilientChat, string][],
  byName: Map<string, ResilientChat>,
  total: number,
): Promise<void> {
  await until(
    () => pairs.every(([sender]) => sender.pending.size === 0),
    () => `every message acknowledged; pending ${pairs.map(([s]) => `${s.username}:${s.pending.size}`).join(' ')}`,
    40_000,
  )
  try {
    await until(
      () => pairs.every(([sender, to]) => [...sender.acked.values()].every((id) => byName.get(to)!.received.has(id))),
      () => 'every acknowledged message at its recipient',
      40_000,
    )
  } catch (error) {
    // Say which messages are missing and whether storage still holds them for the recipient.
    const details: string[] = []
    for (const [sender, to] of pairs) {
      const missing = [...sender.acked.values()].filter((id) => !byName.get(to)!.received.has(id))
      if (missing.length === 0) continue
      const recipientId = await deployment!.userId(to)
      const pending = (await deployment!.storage.messages.pendingMessages(recipientId, 1000)).map((row) => row.id)
      details.push(`${sender.username}->${to}: missing ${missing.join(',')}; pending in storage ${pending.join(',')}`)
    }
    throw new Error(`${(error as Error).message}\n${details.join('\n')}`, { cause: error })
  }
  for (const [sender, to] of pairs) {
    expect(sender.ackMismatches).toEqual([])
    expect(sender.acked.size).toBe(total)
    const recipient = byName.get(to)!
    const texts = [...sender.acked.values()].map((id) => recipient.received.get(id))
    expect(new Set(texts).size).toBe(total)
    // Stored once each: the sender's messages to this recipient in storage are exactly the acked ones.
    const senderId = await deployment!.userId(sender.username)
    const stored = (await deployment!.storage.messages.forUser(senderId, { limit: 1000 })).filter(
      (row) => row.senderId === senderId && row.recipientName === to,
    )
    expect(stored.map((row) => row.id).sort((a, b) => a - b)).toEqual([...sender.acked.values()].sort((a, b) => a - b))
  }
}

describe('scale-out faults', () => {
  it('kill -9 of a gateway under load: clients move to the other, every acked message delivered once', async () => {
    deployment = await Deployment.open({ instanceTtlMs: 3000 })
    const names = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'passive', 'watcher']
    const seeded = new Map((await deployment.seed(names)).map((user) => [user.username, user]))
    const [gwA, gwB] = await Promise.all([deployment.startGateway('gw-a'), deployment.startGateway('gw-b')])
    const both = () => [gwA.url, gwB.url]
    // ann, ben, cat start on gw-a (the one that dies); dan, eve, fay on gw-b.
    const onA = ['ann', 'ben', 'cat'].map((name) => resilient(seeded.get(name)!, both))
    const onB = ['dan', 'eve', 'fay'].map((name) => resilient(seeded.get(name)!, () => [gwB.url, gwA.url]))
    for (const chat of [...onA, ...onB]) await chat.start()
    const byName = new Map([...onA, ...onB].map((chat) => [chat.username, chat]))
    // A watcher on gw-b, and one user on gw-a who will not come back.
    const watcher = await ChatClient.connect(gwB.url, { ca: deployment.certs.ca })
    await watcher.request({ type: 'resume', v: 1, token: seeded.get('watcher')!.token })
    const passive = await ChatClient.connect(gwA.url, { ca: deployment.certs.ca })
    await passive.request({ type: 'resume', v: 1, token: seeded.get('passive')!.token })
    await watcher.waitForType('presence', (p) => p.user === 'passive' && p.state === 'online')
    const watcherSince = watcher.frames.length

    // Across gateways both ways, and within each gateway.
    const pairs: [ResilientChat, string][] = [
      [onA[0]!, 'dan'],
      [onB[0]!, 'ann'],
      [onA[1]!, 'cat'],
      [onB[1]!, 'fay'],
      [onA[2]!, 'eve'],
      [onB[2]!, 'ben'],
    ]
    const TOTAL = 60
    const sending = load(pairs, TOTAL, 5)
    await until(
      () => ackedCount(onA) >= 40,
      () => `some traffic before the kill (${ackedCount(onA)})`,
    )
    gwA.child.kill('SIGKILL')
    expect((await gwA.child.exited).signal).toBe('SIGKILL')
    await sending
    await expectExactlyOnce(pairs, byName, TOTAL)
    for (const chat of onA) expect(chat.connections).toBeGreaterThanOrEqual(2)

    // The dead gateway's heartbeat expires: the user who did not come back goes offline, once.
    await watcher.waitForType('presence', (p) => p.user === 'passive' && p.state === 'offline', {
      since: watcherSince,
      timeoutMs: 20_000,
    })
    const seen = watcher.frames.slice(watcherSince).filter((f) => f.type === 'presence')
    expect(seen.map((f) => f.type === 'presence' && `${f.user} ${f.state}`)).toEqual(['passive offline'])
    expect(((await watcher.request({ type: 'whoelse' })) as { users: string[] }).users).toEqual([
      'ann',
      'ben',
      'cat',
      'dan',
      'eve',
      'fay',
    ])
    passive.terminate()
    watcher.terminate()
  })

  it('Redis cut under load: acknowledged messages are all delivered after the reconnect, once', async () => {
    deployment = await Deployment.open({ instanceTtlMs: 10_000 })
    const seeded = new Map((await deployment.seed(['gus', 'hal', 'ivy', 'jon', 'poster'])).map((u) => [u.username, u]))
    const [gwA, gwB, board] = await Promise.all([
      deployment.startGateway('gw-a'),
      deployment.startGateway('gw-b'),
      deployment.startBoard('board-a'),
    ])
    const chatsOnA = ['gus', 'hal'].map((name) => resilient(seeded.get(name)!, () => [gwA.url]))
    const chatsOnB = ['ivy', 'jon'].map((name) => resilient(seeded.get(name)!, () => [gwB.url]))
    for (const chat of [...chatsOnA, ...chatsOnB]) await chat.start()
    const byName = new Map([...chatsOnA, ...chatsOnB].map((chat) => [chat.username, chat]))
    const poster = new BoardClient(board.url, deployment.certs.ca)
    expect((await poster.login('poster', PASSWORD)).status).toBe(303)

    const pairs: [ResilientChat, string][] = [
      [chatsOnA[0]!, 'ivy'],
      [chatsOnB[0]!, 'gus'],
      [chatsOnA[1]!, 'jon'],
      [chatsOnB[1]!, 'hal'],
    ]
    const TOTAL = 80
    const sending = load(pairs, TOTAL, 3)
    await until(
      () => ackedCount([...chatsOnA, ...chatsOnB]) >= 40,
      () => 'traffic before the cut',
    )
    deployment.redisRelay.cut()
    const ackedAtCut = ackedCount([...chatsOnA, ...chatsOnB])
    // Still acknowledged while Redis is away: storage is the source of truth.
    await until(
      () => ackedCount([...chatsOnA, ...chatsOnB]) >= ackedAtCut + 40,
      () => 'acks during the Redis outage',
    )
    // Degraded, not dead: the health check says so and stays 200 (one Redis serves every instance).
    await until(
      async () => (await health(gwA.port)).bus === 'unavailable',
      () => 'the gateway health check to report the bus unavailable',
    )
    // A post is saved and answered normally; only its live update is lost.
    expect((await poster.createPost('written while Redis was away')).status).toBe(303)
    deployment.redisRelay.restore()
    await sending
    await expectExactlyOnce(pairs, byName, TOTAL)
    for (const app of [gwA, gwB]) {
      await app.child.waitForLog((entry) => entry.msg === 'bus reconnected: catching up from storage')
    }
    expect(deployment.running().sort()).toEqual(['board-a', 'gw-a', 'gw-b'])
    expect(await health(gwA.port)).toMatchObject({ status: 'ok', bus: 'ok', instanceId: 'gw-a' })
    // Live delivery across gateways works again.
    const after = chatsOnA[0]!.send('ivy', 'after the outage')
    await until(
      () => chatsOnA[0]!.acked.has(after),
      () => 'the ack after the outage',
    )
    await until(
      () => byName.get('ivy')!.received.has(chatsOnA[0]!.acked.get(after)!),
      () => 'live delivery after the outage',
    )
  })

  it('PostgreSQL cut: errors instead of acknowledgements, and service resumes when it returns', async () => {
    deployment = await Deployment.open()
    const seeded = new Map((await deployment.seed(['kim', 'lou', 'max'])).map((u) => [u.username, u]))
    const [gw, board] = await Promise.all([deployment.startGateway('gw-a'), deployment.startBoard('board-a')])
    const kim = resilient(seeded.get('kim')!, () => [gw.url])
    const lou = resilient(seeded.get('lou')!, () => [gw.url])
    await kim.start()
    await lou.start()
    const max = new BoardClient(board.url, deployment.certs.ca)
    expect((await max.login('max', PASSWORD)).status).toBe(303)
    const csrf = await max.csrfToken('/')
    const before = kim.send('lou', 'before the cut')
    await until(
      () => kim.acked.has(before),
      () => 'an ack before the cut',
    )

    deployment.postgresRelay.cut()
    const during = kim.send('lou', 'during the cut')
    await until(
      () => kim.errors.some((error) => error.id === during),
      () => 'an error for the message sent while the database is cut',
    )
    expect(kim.errors.find((error) => error.id === during)!.code).toBe(ErrorCode.StorageUnavailable)
    expect(kim.acked.has(during)).toBe(false)
    const post = await max.post('/posts', { _csrf: csrf, body: 'during the cut' })
    expect(post.status).toBe(503)
    expect((await max.get('/readyz')).status).toBe(503)

    deployment.postgresRelay.restore()
    // The client resends its unacknowledged message (same id) until the gateway can store it.
    await until(
      () => {
        if (!kim.acked.has(during)) kim.retry(during)
        return kim.acked.has(during)
      },
      () => 'the resent message to be acknowledged after the database is back',
      30_000,
    )
    await until(
      () => lou.received.has(kim.acked.get(during)!),
      () => 'delivery after the database is back',
    )
    expect((await max.get('/readyz')).status).toBe(200)
    expect((await max.post('/posts', { _csrf: csrf, body: 'after the cut' })).status).toBe(303)
    const kimId = await deployment.userId('kim')
    const stored = (await deployment.storage.messages.forUser(kimId, { limit: 10 })).map((row) => row.body)
    expect(stored.sort()).toEqual(['before the cut', 'during the cut'])
    const posts = (await deployment.storage.posts.listPosts({ limit: 10 })).map((row) => row.body)
    expect(posts).toEqual(['after the cut'])
    expect(deployment.running().sort()).toEqual(['board-a', 'gw-a'])
  })
})
