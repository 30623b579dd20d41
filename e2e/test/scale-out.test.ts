/**
 * Two gateways and two boards as real processes on one PostgreSQL schema and one Redis prefix:
 * every chat rule holds across instances (delivery, presence, whoelse/whoelsesince, offline
 * queue, broadcast with skipped, blocks, one session per account, a resume on the other gateway
 * replacing the stale socket), a post on one board appears live on the other, and revocations
 * (a board sign-out, an administrator's suspension) end sockets and streams everywhere at once.
 * Heartbeats are far longer than the tests, so nothing here is ended by a periodic re-check.
 */
import { ErrorCode } from '@parley/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { ChatClient } from '../src/chat-client.js'
import { type AppProcess, BOARD_ORIGIN, Deployment, METRICS_TOKEN, PASSWORD } from '../src/scale-out/deployment.js'
import { SseStream } from '../src/scale-out/sse.js'
import type { SeededUser } from '../src/seed.js'

let deployment: Deployment
let gwA: AppProcess
let gwB: AppProcess
let boardA: AppProcess
let boardB: AppProcess
const users = new Map<string, SeededUser>()
const clients: ChatClient[] = []
const streams: SseStream[] = []

beforeAll(async () => {
  deployment = await Deployment.open()
  const seeded = await deployment.seed([
    'alpha',
    'bravo',
    'carol',
    'delta',
    'echo',
    'fox',
    'golf',
    'hotel',
    'india',
    'juliet',
    'kilo',
    'boss',
  ])
  for (const user of seeded) users.set(user.username, user)
  await deployment.storage.users.setRole(users.get('boss')!.id, 'admin')
  ;[gwA, gwB, boardA, boardB] = await Promise.all([
    deployment.startGateway('gw-a'),
    deployment.startGateway('gw-b'),
    deployment.startBoard('board-a'),
    deployment.startBoard('board-b'),
  ])
})

afterEach(() => {
  for (const client of clients.splice(0)) {
    expect(client.invalid).toEqual([])
    client.terminate()
  }
  for (const stream of streams.splice(0)) stream.close()
  expect(deployment.running().sort()).toEqual(['board-a', 'board-b', 'gw-a', 'gw-b'])
})

afterAll(async () => {
  await deployment?.close()
})

async function connect(gateway: AppProcess, extra: { origin?: string; cookie?: string } = {}): Promise<ChatClient> {
  const client = await ChatClient.connect(gateway.url, { ca: deployment.certs.ca, ...extra })
  clients.push(client)
  return client
}

/** A client of `name` on `gateway`, signed in with the seeded session token. */
async function resumeAs(gateway: AppProcess, name: string): Promise<ChatClient> {
  const client = await connect(gateway)
  const reply = await client.request({ type: 'resume', v: 1, token: users.get(name)!.token })
  expect(reply).toMatchObject({ type: 'welcome', username: name })
  return client
}

const sawPresence = (client: ChatClient, user: string, state: 'online' | 'offline', since = 0) =>
  client.waitForType('presence', (p) => p.user === user && p.state === state, { since })

async function boardLogin(board: AppProcess, name: string): Promise<BoardClient> {
  const client = new BoardClient(board.url, deployment.certs.ca)
  const response = await client.login(name, PASSWORD)
  expect(response.status).toBe(303)
  expect(client.sessionToken).toBeDefined()
  return client
}

describe('two gateways and two boards on PostgreSQL and Redis', () => {
  it('delivers across gateways at once, with presence, whoelse, whoelsesince and the offline queue', async () => {
    const alpha = await resumeAs(gwA, 'alpha')
    const bravo = await resumeAs(gwB, 'bravo')
    expect(bravo.ofType('welcome')[0]!.online).toContain('alpha')
    await sawPresence(alpha, 'bravo', 'online')
    expect(((await alpha.request({ type: 'whoelse' })) as { users: string[] }).users).toContain('bravo')
    expect(((await bravo.request({ type: 'whoelse' })) as { users: string[] }).users).toContain('alpha')

    expect(await bravo.request({ type: 'message', to: 'alpha', text: 'over the bus' })).toMatchObject({
      type: 'ack',
      delivered: true,
    })
    const message = await alpha.waitForType('message', (m) => m.text === 'over the bus')
    expect(message).toMatchObject({ from: 'bravo', offline: false })
    alpha.confirm()

    bravo.send({ type: 'logout' })
    await sawPresence(alpha, 'bravo', 'offline')
    expect(((await alpha.request({ type: 'whoelse' })) as { users: string[] }).users).not.toContain('bravo')
    expect(((await alpha.request({ type: 'whoelsesince', seconds: 120 })) as { users: string[] }).users).toContain(
      'bravo',
    )
    expect(await alpha.request({ type: 'message', to: 'bravo', text: 'while you were out' })).toMatchObject({
      delivered: false,
    })
    // bravo's token ended with the logout: a password login on the other gateway gets the queue.
    const back = await connect(gwA)
    await back.login('bravo', PASSWORD)
    expect(await back.waitForType('message', (m) => m.text === 'while you were out')).toMatchObject({ offline: true })
  })

  it('broadcasts to every gateway, reports skipped for a blocker elsewhere, and keeps blocks across', async () => {
    const carol = await resumeAs(gwA, 'carol')
    const delta = await resumeAs(gwB, 'delta')
    const echo = await resumeAs(gwB, 'echo')
    expect(await echo.request({ type: 'block', user: 'carol' })).toMatchObject({ type: 'ack', user: 'carol' })
    const ack = await carol.request({ type: 'broadcast', text: 'to everyone' })
    expect(ack).toMatchObject({ type: 'ack', skipped: true })
    await delta.waitForType('broadcast', (b) => b.text === 'to everyone' && b.from === 'carol')
    expect(await carol.request({ type: 'message', to: 'echo', text: 'hi' })).toMatchObject({
      code: ErrorCode.BlockedByRecipient,
    })
    expect(((await carol.request({ type: 'whoelse' })) as { users: string[] }).users).not.toContain('echo')
    await echo.request({ type: 'whoelse' })
    expect(echo.ofType('broadcast')).toEqual([])
    // Presence is hidden both ways: echo going and coming is not shown to carol.
    const since = carol.frames.length
    echo.send({ type: 'logout' })
    await echo.waitClosed()
    await delta.request({ type: 'whoelse' })
    await carol.request({ type: 'whoelse' })
    expect(carol.frames.slice(since).filter((f) => f.type === 'presence' && f.user === 'echo')).toEqual([])
  })

  it('takes a second session across gateways (another device); a resume on the other gateway replaces the stale socket', async () => {
    const fox = await resumeAs(gwA, 'fox')
    const golf = await resumeAs(gwA, 'golf')
    expect(golf.ofType('welcome')[0]!.online).toContain('fox')
    const phone = await connect(gwB)
    expect(await phone.request({ type: 'login', v: 1, username: 'fox', password: PASSWORD })).toMatchObject({
      type: 'welcome',
      username: 'fox',
    })
    // The CLI reconnecting to the other gateway with its token: the old socket goes at once.
    const since = golf.frames.length
    const foxAgain = await resumeAs(gwB, 'fox')
    expect(await fox.waitClosed()).toMatchObject({ code: 4003 })
    expect(fox.ofType('bye')[0]).toMatchObject({ reason: 'replaced' })
    // fox never looked offline to golf.
    await foxAgain.request({ type: 'message', to: 'golf', text: 'still here' })
    await golf.waitForType('message', (m) => m.text === 'still here')
    expect(golf.frames.slice(since).filter((f) => f.type === 'presence' && f.user === 'fox')).toEqual([])
  })

  it('shows a post made on one board live on the other board', async () => {
    const hotelOnA = await boardLogin(boardA, 'hotel')
    const indiaOnB = await boardLogin(boardB, 'india')
    const stream = await SseStream.open(boardB.url, indiaOnB.cookieHeader(), deployment.certs.ca)
    streams.push(stream)
    expect(stream.status).toBe(200)
    const response = await hotelOnA.createPost('posted on board A')
    expect(response.status).toBe(303)
    const created = await stream.waitFor(
      (e) => e.event === 'created' && (e.data as { post: { body: string } }).post.body === 'posted on board A',
      'the post on board B',
    )
    expect(created.data).toMatchObject({ post: { authorName: 'hotel' } })
  })

  it("ends a board session's chat connection and live stream on every instance at its sign-out", async () => {
    const juliet = await boardLogin(boardA, 'juliet')
    const cookie = `__Host-parley=${juliet.sessionToken}`
    const browserChat = await connect(gwB, { origin: BOARD_ORIGIN, cookie })
    expect(await browserChat.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome', username: 'juliet' })
    const stream = await SseStream.open(boardB.url, cookie, deployment.certs.ca)
    streams.push(stream)
    // Another session of the same user (the terminal) is signed in too, and stays.
    const julietCli = await connect(gwA)
    expect(await julietCli.request({ type: 'resume', v: 1, token: users.get('juliet')!.token })).toMatchObject({
      type: 'welcome',
    })
    expect((await juliet.logout()).status).toBe(303)
    expect(await browserChat.waitClosed()).toMatchObject({ code: 4001 })
    expect(browserChat.ofType('bye')[0]).toMatchObject({ reason: 'revoked' })
    await stream.waitEnded()
    expect(await julietCli.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
  })

  it("closes a suspended user's chat sockets on every gateway at once, and refuses the user after", async () => {
    const kilo = await resumeAs(gwB, 'kilo')
    const watcher = await resumeAs(gwA, 'alpha')
    const boss = await boardLogin(boardA, 'boss')
    const response = await boss.submit('/admin/users', '/admin/users/suspend', {
      username: 'kilo',
      duration: '1h',
      reason: 'spam',
    })
    expect(response.status).toBe(303)
    expect(await kilo.waitClosed()).toMatchObject({ code: 4002 })
    expect(kilo.ofType('bye')[0]).toMatchObject({ reason: 'suspended' })
    await sawPresence(watcher, 'kilo', 'offline')
    const again = await connect(gwA)
    expect(await again.request({ type: 'login', v: 1, username: 'kilo', password: PASSWORD })).toMatchObject({
      code: ErrorCode.Suspended,
    })
  })

  it('serves gateway metrics on their own port, only with the token', async () => {
    const url = gwB.metricsUrl!
    expect(new URL(url).port).not.toBe(String(gwB.port))
    expect((await fetch(url)).status).toBe(401)
    const response = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(response.status).toBe(200)
    const text = await response.text()
    const stored = /^parley_chat_messages_stored_total\{[^}]*\} (\d+)/m.exec(text)
    expect(Number(stored?.[1])).toBeGreaterThan(0)
    expect(text).toMatch(/^parley_chat_open_sockets\{[^}]*instance="gw-b"[^}]*\} \d+/m)
  })
})
