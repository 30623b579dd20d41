/**
 * The account lockout (3 wrong passwords) holds under 50 parallel guesses over the real board's
 * HTTPS login form and over the real gateway's `login` frame: at most 3 guesses are judged as wrong
 * passwords, all others are refused as locked, and the right password is refused too until the
 * block ends. The lock is one per account, whichever app took the guesses. The board's per-IP and
 * per-name rate limits are raised so the lockout itself is what is tested.
 */
import { ErrorCode } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { ChatClient } from '../src/chat-client.js'
import { PASSWORD, type RunningBoard, type RunningGateway, Site } from '../src/site.js'

const GUESSES = 50
const BLOCK_MS = 60_000
const WRONG_STATUSES = new Set([401])

let site: Site
let board: RunningBoard
let gw: RunningGateway

beforeAll(async () => {
  site = await Site.open({ auth: { blockDurationMs: BLOCK_MS, maxFailures: 3 } })
  board = await site.startBoard({ AUTH_RATE_LIMIT: '10000', BLOCK_DURATION_SECONDS: String(BLOCK_MS / 1000) })
  gw = await site.startGateway()
})

afterAll(async () => {
  await site?.close()
})

/** 50 wrong guesses at once over HTTPS, each on its own connection; returns the statuses. */
async function boardGuesses(username: string): Promise<number[]> {
  const client = new BoardClient(board.origin, site.certs.ca)
  const token = await client.csrfToken('/login')
  const responses = await Promise.all(
    Array.from({ length: GUESSES }, (_, i) =>
      client.post('/login', { _csrf: token, username, password: `wrong guess ${i}` }),
    ),
  )
  for (const response of responses) expect(response.headers['set-cookie'] ?? '').not.toMatch(/__Host-parley=[^;]/)
  return responses.map((response) => response.status)
}

/** 50 wrong guesses at once over WSS, each on its own connection; returns the error codes. */
async function gatewayGuesses(username: string): Promise<string[]> {
  const clients = await Promise.all(
    Array.from({ length: GUESSES }, () => ChatClient.connect(gw.url, { ca: site.certs.ca })),
  )
  try {
    const replies = await Promise.all(
      clients.map((client, i) =>
        client.request({ type: 'login', v: 1, username, password: `wrong guess ${i}` }, 60_000),
      ),
    )
    return replies.map((reply) => (reply.type === 'error' ? reply.code : reply.type))
  } finally {
    for (const client of clients) client.terminate()
  }
}

async function boardLogin(username: string, password: string): Promise<number> {
  return (await new BoardClient(board.origin, site.certs.ca).login(username, password)).status
}

async function gatewayLogin(username: string, password: string): Promise<string> {
  const client = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  try {
    const reply = await client.request({ type: 'login', v: 1, username, password })
    return reply.type === 'error' ? reply.code : reply.type
  } finally {
    client.terminate()
  }
}

describe('50 parallel guesses', () => {
  it('over the board: at most 3 judged, the rest locked (429); the right password waits for the block to end', async () => {
    await site.createUser('vader')
    const statuses = await boardGuesses('vader')
    const judged = statuses.filter((status) => WRONG_STATUSES.has(status)).length
    expect(judged).toBeLessThanOrEqual(3)
    expect(judged).toBeGreaterThanOrEqual(1)
    expect(statuses.filter((status) => status === 429)).toHaveLength(GUESSES - judged)
    // Locked on both apps, even with the right password.
    expect(await boardLogin('vader', PASSWORD)).toBe(429)
    expect(await gatewayLogin('vader', PASSWORD)).toBe(ErrorCode.Locked)
    site.clock.advance(BLOCK_MS - 5_000)
    expect(await boardLogin('vader', PASSWORD)).toBe(429)
    site.clock.advance(10_000)
    expect(await boardLogin('vader', PASSWORD)).toBe(303)
  })

  it('over the gateway: at most 3 judged, the rest AUTH_LOCKED; the right password waits for the block to end', async () => {
    await site.createUser('palpatine')
    const codes = await gatewayGuesses('palpatine')
    const judged = codes.filter((code) => code === ErrorCode.InvalidCredentials || code === ErrorCode.NowLocked)
    expect(judged.length).toBeLessThanOrEqual(3)
    expect(judged).toContain(ErrorCode.NowLocked)
    expect(codes.filter((code) => code === ErrorCode.Locked)).toHaveLength(GUESSES - judged.length)
    expect(codes).not.toContain('welcome')
    expect(await gatewayLogin('palpatine', PASSWORD)).toBe(ErrorCode.Locked)
    expect(await boardLogin('palpatine', PASSWORD)).toBe(429)
    site.clock.advance(BLOCK_MS + 5_000)
    expect(await gatewayLogin('palpatine', PASSWORD)).toBe('welcome')
  })

  it('from both apps at once: still at most 3 judged in total', async () => {
    await site.createUser('tarkin')
    const [statuses, codes] = await Promise.all([boardGuesses('tarkin'), gatewayGuesses('tarkin')])
    const judged =
      statuses.filter((status) => WRONG_STATUSES.has(status)).length +
      codes.filter((code) => code === ErrorCode.InvalidCredentials || code === ErrorCode.NowLocked).length
    expect(judged).toBeLessThanOrEqual(3)
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true)
    expect(await gatewayLogin('tarkin', PASSWORD)).toBe(ErrorCode.Locked)
  })
})
