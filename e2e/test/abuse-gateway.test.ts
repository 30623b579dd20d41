/**
 * Abuse of the chat gateway, against real processes: two gateways on one PostgreSQL schema and one
 * Redis prefix, started from apps/chat-gateway/src/main.ts with small limits.
 * - Item 2 (issue 14): `lookup`, `login` and `login {create}` go through the attempt limiter of
 *   @parley/auth, counted in Redis, so spreading attempts over gateways gains nothing; one address
 *   holds a bounded number of sockets; a socket that never signs in is closed after the window.
 * - Item 5: one account's connections share one rate limit (on one gateway, and across gateways
 *   through one-second windows in Redis), and how many it may hold is capped across both gateways
 *   (the online directory in Redis).
 */
import { ErrorCode } from '@parley/protocol'
import { ProtocolClient } from '@parley/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ChatClient } from '../src/chat-client.js'
import { type AppProcess, BOARD_ORIGIN, Deployment, PASSWORD } from '../src/scale-out/deployment.js'
import type { SeededUser } from '../src/seed.js'

let deployment: Deployment
let gwA: AppProcess
let gwB: AppProcess
const clients: ChatClient[] = []
const users = new Map<string, SeededUser>()

const LIMITS = {
  AUTH_LOOKUP_RATE_LIMIT: '3',
  AUTH_RATE_LIMIT: '4',
  AUTH_CREATE_RATE_LIMIT: '2',
  CHAT_MAX_CONNECTIONS_PER_IP: '6',
  CHAT_SIGN_IN_TIMEOUT_SECONDS: '2',
  CHAT_MAX_CONNECTIONS_PER_USER: '3',
  CHAT_USER_RATE_PER_SECOND: '1',
  CHAT_USER_RATE_BURST: '10',
}

beforeAll(async () => {
  deployment = await Deployment.open()
  await deployment.seed(['target1', 'target2', 'target3', 'target4', 'target5'])
  for (const user of await deployment.seed(['tabs', 'ratey', 'spread'])) users.set(user.username, user)
  ;[gwA, gwB] = await Promise.all([deployment.startGateway('gw-a', LIMITS), deployment.startGateway('gw-b', LIMITS)])
})

afterEach(async () => {
  for (const client of clients.splice(0)) {
    expect(client.invalid).toEqual([])
    client.terminate()
    await client.closed
  }
})

afterAll(async () => {
  await deployment?.close()
})

async function connect(gateway: AppProcess): Promise<ChatClient> {
  const client = await ChatClient.connect(gateway.url, { ca: deployment.certs.ca })
  clients.push(client)
  return client
}

describe('sign-in attempts are limited across gateways (counted in Redis)', () => {
  it('refuses name lookups past the limit, whichever gateway is asked', async () => {
    const [a, b] = [await connect(gwA), await connect(gwB)]
    expect(await a.request({ type: 'lookup', username: 'target1' })).toMatchObject({ type: 'lookup', exists: true })
    expect(await b.request({ type: 'lookup', username: 'nobody1' })).toMatchObject({ type: 'lookup', exists: false })
    expect(await a.request({ type: 'lookup', username: 'nobody2' })).toMatchObject({ type: 'lookup' })
    const refused = await b.request({ type: 'lookup', username: 'target2' })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(refused.type === 'error' && refused.retryAfterMs).toBeGreaterThan(0)
  })

  it('refuses password guesses sprayed across accounts and gateways', async () => {
    const [a, b] = [await connect(gwA), await connect(gwB)]
    const guess = (client: ChatClient, username: string) =>
      client.request({ type: 'login', v: 1, username, password: 'wrong guess' })
    expect(await guess(a, 'target1')).toMatchObject({ code: ErrorCode.InvalidCredentials })
    expect(await guess(b, 'target2')).toMatchObject({ code: ErrorCode.InvalidCredentials })
    expect(await guess(a, 'target3')).toMatchObject({ code: ErrorCode.InvalidCredentials })
    expect(await guess(b, 'target4')).toMatchObject({ code: ErrorCode.InvalidCredentials })
    // The right password does not help past the limit: nothing is checked any more.
    const refused = await b.request({ type: 'login', v: 1, username: 'target5', password: PASSWORD })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
  })

  it('caps new accounts per address, whichever gateway creates them', async () => {
    const create = async (gateway: AppProcess, username: string) => {
      const client = await connect(gateway)
      return client.request({ type: 'login', v: 1, username, password: PASSWORD, create: true })
    }
    expect(await create(gwA, 'bulk1')).toMatchObject({ type: 'welcome' })
    expect(await create(gwB, 'bulk2')).toMatchObject({ type: 'welcome' })
    expect(await create(gwA, 'bulk3')).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(await deployment.storage.users.getUserByKey('bulk3')).toBeNull()
  })
})

describe('connections', () => {
  it('refuses more sockets from one address than the cap (429), and takes new ones once some close', async () => {
    const open = await Promise.all(Array.from({ length: 6 }, () => connect(gwA)))
    expect(await ProtocolClient.refusedStatus(gwA.url, { ca: deployment.certs.ca })).toBe(429)
    open[0]!.terminate()
    await open[0]!.closed
    await expect.poll(async () => (await connect(gwA)).isOpen, { timeout: 10_000 }).toBe(true)
  })

  it('closes a socket that has not signed in within the window (4004)', async () => {
    const idle = await connect(gwB)
    const started = Date.now()
    const closed = await idle.waitClosed(10_000)
    expect(closed.code).toBe(4004)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500)
  })
})

describe("one account's connections (item 5)", () => {
  /** A browser tab of the user's board session on `gateway`: the resume's reply. */
  async function tab(gateway: AppProcess, username: string): Promise<{ client: ChatClient; reply: unknown }> {
    const client = await ChatClient.connect(gateway.url, {
      ca: deployment.certs.ca,
      origin: BOARD_ORIGIN,
      cookie: `__Host-parley=${users.get(username)!.token}`,
    })
    clients.push(client)
    return { client, reply: await client.request({ type: 'resume', v: 1 }) }
  }

  it('caps the connections of one user across both gateways', async () => {
    expect((await tab(gwA, 'tabs')).reply).toMatchObject({ type: 'welcome' })
    expect((await tab(gwB, 'tabs')).reply).toMatchObject({ type: 'welcome' })
    expect((await tab(gwA, 'tabs')).reply).toMatchObject({ type: 'welcome' })
    expect((await tab(gwB, 'tabs')).reply).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect((await tab(gwA, 'tabs')).reply).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
  })

  it("shares one rate limit between a user's connections", async () => {
    const opened = [
      (await tab(gwA, 'ratey')).client,
      (await tab(gwA, 'ratey')).client,
      (await tab(gwA, 'ratey')).client,
    ]
    const replies = await Promise.all(
      opened.flatMap((client) => Array.from({ length: 5 }, () => client.request({ type: 'whoelse' }))),
    )
    const limited = replies.filter((reply) => reply.type === 'error' && reply.code === ErrorCode.RateLimited)
    expect(limited.length).toBeGreaterThanOrEqual(4)
  })

  it("counts a user's frames across both gateways", async () => {
    const [onA, onB] = [(await tab(gwA, 'spread')).client, (await tab(gwB, 'spread')).client]
    // 7 on each: within each gateway's own bucket (burst 10), together over the shared 11 a second.
    const sent = await Promise.all(
      [onA, onB].flatMap((client) => Array.from({ length: 7 }, () => client.request({ type: 'whoelse' }))),
    )
    expect(sent.every((reply) => reply.type === 'users')).toBe(true)
    // Each gateway learns the shared count at its next report (every 100 ms): one more frame may pass.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 250))
    await pause()
    await Promise.all([onA.request({ type: 'whoelse' }), onB.request({ type: 'whoelse' })])
    await pause()
    expect(await onA.request({ type: 'whoelse' })).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(await onB.request({ type: 'whoelse' })).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
  })
})
