/**
 * Session tokens are refused after logout, after idle expiry and after absolute expiry, on BOTH
 * the board (cookie over real HTTPS) and the gateway (token resume and board cookie over real WSS),
 * with one shared SQLite database and an injected clock moved forward instead of waiting.
 */
import { ErrorCode } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { ChatClient } from '../src/chat-client.js'
import { PASSWORD, type RunningBoard, type RunningGateway, Site } from '../src/site.js'

const MINUTE = 60_000
const IDLE_MS = 10 * MINUTE
const ABSOLUTE_MS = 60 * MINUTE

let site: Site
let board: RunningBoard
let gw: RunningGateway

beforeEach(async () => {
  site = await Site.open({ auth: { sessionIdleMs: IDLE_MS, sessionAbsoluteMs: ABSOLUTE_MS } })
  board = await site.startBoard()
  // The board's page is the one Origin allowed to use its cookie on the gateway.
  gw = await site.startGateway({ allowedOrigins: [board.origin], heartbeatMs: 200 })
})

afterEach(async () => {
  await site.close()
})

/** Is this board cookie signed in? Without a session the board sends the visitor to sign in. */
async function boardAccepts(token: string): Promise<boolean> {
  const probe = new BoardClient(board.origin, site.certs.ca)
  probe.cookies.set('__Host-parley', token)
  const response = await probe.get('/')
  if (response.status === 303) {
    expect(response.headers.location).toMatch(/^\/(login|register)$/)
    // The dead cookie is cleared, not left for the browser to send again.
    expect(String(response.headers['set-cookie'])).toMatch(/__Host-parley=;/)
    return false
  }
  expect(response.status).toBe(200)
  expect(response.body).toContain('Write a post')
  return true
}

/** Does the gateway resume this token? Refusals must be AUTH_UNAUTHORIZED. */
async function gatewayResumes(token: string): Promise<boolean> {
  const client = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  try {
    const reply = await client.request({ type: 'resume', v: 1, token })
    if (reply.type === 'welcome') return true
    expect(reply).toMatchObject({ type: 'error', code: ErrorCode.Unauthorized })
    return false
  } finally {
    // Dropped, not logged out: a logout would end the very session under test.
    client.terminate()
  }
}

/** Does the gateway accept the board's cookie from the board's page? */
async function gatewayTakesCookie(token: string): Promise<boolean> {
  const client = await ChatClient.connect(gw.url, {
    ca: site.certs.ca,
    origin: board.origin,
    cookie: `__Host-parley=${token}`,
  })
  try {
    const reply = await client.request({ type: 'resume', v: 1 })
    if (reply.type === 'welcome') return true
    expect(reply).toMatchObject({ type: 'error', code: ErrorCode.Unauthorized })
    return false
  } finally {
    client.terminate()
  }
}

async function boardSession(name: string): Promise<{ client: BoardClient; token: string }> {
  const client = new BoardClient(board.origin, site.certs.ca)
  await client.register(name, PASSWORD)
  const token = client.sessionToken
  if (!token) throw new Error('no session cookie after registering')
  return { client, token }
}

async function chatToken(name: string): Promise<string> {
  const client = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  const welcome = await client.login(name, PASSWORD)
  client.terminate()
  await client.closed
  if (!welcome.token) throw new Error('no token in welcome')
  return welcome.token
}

describe('logout', () => {
  it('a board logout ends the cookie on the board and on the gateway', async () => {
    const { client, token } = await boardSession('leia')
    expect(await boardAccepts(token)).toBe(true)
    expect(await gatewayTakesCookie(token)).toBe(true)
    expect((await client.logout()).status).toBe(303)
    expect(await boardAccepts(token)).toBe(false)
    expect(await gatewayTakesCookie(token)).toBe(false)
    expect(await gatewayResumes(token)).toBe(false)
  })

  it('a chat logout ends the token on the gateway and on the board', async () => {
    await site.createUser('han')
    const client = await ChatClient.connect(gw.url, { ca: site.certs.ca })
    const { token } = await client.login('han', PASSWORD)
    expect(token).toBeDefined()
    expect(await boardAccepts(token!)).toBe(true)
    const since = client.frames.length
    client.send({ type: 'logout' })
    expect(await client.waitForType('bye', () => true, { since })).toMatchObject({ reason: 'logout' })
    expect((await client.waitClosed()).code).toBe(1000)
    expect(await gatewayResumes(token!)).toBe(false)
    expect(await boardAccepts(token!)).toBe(false)
  })

  it('a board logout ends the live browser-tab connection on the gateway (bye revoked, 4001)', async () => {
    const { client, token } = await boardSession('rey')
    const tab = await ChatClient.connect(gw.url, {
      ca: site.certs.ca,
      origin: board.origin,
      cookie: `__Host-parley=${token}`,
    })
    expect(await tab.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome', username: 'rey' })
    await client.logout()
    expect(await tab.waitForType('bye')).toMatchObject({ reason: 'revoked' })
    expect((await tab.waitClosed()).code).toBe(4001)
  })
})

describe('idle expiry', () => {
  it('keeps a session in use alive, and ends it after sessionIdleMs unused, on both apps', async () => {
    const { token: boardToken } = await boardSession('finn')
    const gatewayToken = await chatToken('finn')
    for (let step = 0; step < 3; step++) {
      // Used every idle-minus-a-minute: never idle, and 27 minutes pass (< absolute).
      site.clock.advance(IDLE_MS - MINUTE)
      expect(await boardAccepts(boardToken)).toBe(true)
      expect(await gatewayResumes(gatewayToken)).toBe(true)
    }
    site.clock.advance(IDLE_MS + 1000)
    expect(await boardAccepts(boardToken)).toBe(false)
    expect(await gatewayResumes(gatewayToken)).toBe(false)
    expect(await gatewayTakesCookie(boardToken)).toBe(false)
  })

  it('idle expiry of one session leaves a fresh one working', async () => {
    await site.createUser('poe')
    const old = await chatToken('poe')
    site.clock.advance(IDLE_MS + 1000)
    const fresh = await chatToken('poe')
    expect(await gatewayResumes(old)).toBe(false)
    expect(await gatewayResumes(fresh)).toBe(true)
    expect(await boardAccepts(fresh)).toBe(true)
  })
})

describe('absolute expiry', () => {
  it('ends a session used all the time once sessionAbsoluteMs has passed since login, on both apps', async () => {
    const { token: boardToken } = await boardSession('lando')
    const gatewayToken = await chatToken('lando')
    // Used every 5 minutes up to 55 minutes: still valid.
    for (let minutes = 5; minutes <= 55; minutes += 5) {
      site.clock.advance(5 * MINUTE)
      expect(await boardAccepts(boardToken)).toBe(true)
      expect(await gatewayResumes(gatewayToken)).toBe(true)
    }
    site.clock.advance(5 * MINUTE)
    expect(await boardAccepts(boardToken)).toBe(false)
    expect(await gatewayResumes(gatewayToken)).toBe(false)
    expect(await gatewayTakesCookie(boardToken)).toBe(false)
  })

  it('ends a live chat connection at the next heartbeat after absolute expiry (bye revoked, 4001)', async () => {
    await site.createUser('chewie')
    const client = await ChatClient.connect(gw.url, { ca: site.certs.ca })
    await client.login('chewie', PASSWORD)
    site.clock.advance(ABSOLUTE_MS + 1000)
    expect(await client.waitForType('bye')).toMatchObject({ reason: 'revoked' })
    expect((await client.waitClosed()).code).toBe(4001)
  })
})
