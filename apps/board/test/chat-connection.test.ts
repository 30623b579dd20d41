/**
 * The browser chat's connection (public/chat-connection.js) in Node, against the REAL gateway:
 * `ws` stands in for the browser's WebSocket (same API), sending the board's cookie and Origin as a
 * browser would. A tap on each socket can drop frames one way or the other, to play the network
 * losing exactly the frame that matters, deterministically.
 */
import { ClientId, PROTOCOL_VERSION } from '@parley/protocol'
import { Compile } from 'typebox/compile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { backoffDelay, ChatConnection, newClientId } from '../public/chat-connection.js'
import { type ChatSite, PASSWORD, startChatSite } from './chat-site.js'

const FAST_BACKOFF = { initialMs: 20, maxMs: 200, factor: 2 }

interface Tap {
  /** Frames written by the page, as sent. */
  sent: string[]
  /** Return true to lose an outgoing frame. */
  dropOut: (frame: Record<string, unknown>) => boolean
  /** Return true to lose an incoming frame. */
  dropIn: (frame: Record<string, unknown>) => boolean
  sockets: WebSocket[]
}

let site: ChatSite

beforeAll(async () => {
  site = await startChatSite()
  for (const name of ['alice', 'luke']) await site.createUser(name)
})
afterAll(async () => {
  await site?.close()
})

type Listener = (event: { data?: unknown; code?: number }) => void

/**
 * A `WebSocket` class as the page sees it (the browser API: constructor(url, protocol),
 * addEventListener, send, close, readyState) over a real `ws` socket that sends the board cookie of
 * `username` and the board's Origin, as the browser does, through the tap.
 */
async function browserSocket(username: string, options: { signedOut?: boolean } = {}) {
  const { session } = await site.board.auth.login(username, PASSWORD)
  if (options.signedOut) await site.board.auth.logout(session.token)
  const tap: Tap = { sent: [], dropOut: () => false, dropIn: () => false, sockets: [] }
  class BrowserLikeSocket {
    readonly #ws: WebSocket
    constructor(url: string, protocol: string) {
      this.#ws = new WebSocket(url, protocol, {
        ca: site.certs.ca,
        headers: { origin: site.boardOrigin, cookie: `__Host-parley=${session.token}` },
      })
      this.#ws.on('error', () => undefined)
      tap.sockets.push(this.#ws)
    }

    get readyState(): number {
      return this.#ws.readyState
    }

    send(data: string): void {
      tap.sent.push(data)
      if (!tap.dropOut(JSON.parse(data))) this.#ws.send(data)
    }

    close(code?: number, reason?: string): void {
      this.#ws.close(code, reason)
    }

    addEventListener(type: 'open' | 'message' | 'close', listener: Listener): void {
      if (type === 'open') this.#ws.on('open', () => listener({}))
      if (type === 'close') this.#ws.on('close', (code) => listener({ code }))
      if (type === 'message') {
        this.#ws.on('message', (data, isBinary) => {
          const text = isBinary ? data : String(data)
          if (!tap.dropIn(JSON.parse(String(text)))) listener({ data: text })
        })
      }
    }
  }
  return { WebSocketImpl: BrowserLikeSocket, tap }
}

/** A connection that records everything it reports. */
function record(connection: ChatConnection) {
  const log = {
    states: [] as { state: string; reason?: string }[],
    messages: [] as { messageId: number; text: string; offline: boolean }[],
    replies: [] as { request: { type: string; id: string }; reply: { type: string } | null }[],
  }
  connection.on('state', (change: { state: string; reason?: string }) => log.states.push(change))
  connection.on('message', (message: { messageId: number; text: string; offline: boolean }) => {
    log.messages.push(message)
    // The page shows it, then confirms it.
    connection.confirm([message.messageId])
  })
  connection.on('reply', (reply: (typeof log.replies)[number]) => log.replies.push(reply))
  return log
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await expect.poll(check, { timeout: 20_000, message: what }).toBe(true)
}

async function userId(name: string): Promise<number> {
  const row = await site.board.storage.users.getUserByKey(site.board.auth.normalizeUsername(name).usernameKey)
  if (!row) throw new Error(`no user ${name}`)
  return row.id
}

describe('ChatConnection against the real gateway', () => {
  it('signs in with the cookie alone (resume without a token) and never sends a token', async () => {
    const { WebSocketImpl, tap } = await browserSocket('alice')
    const connection = new ChatConnection({ url: site.gatewayUrl, WebSocketImpl, backoff: FAST_BACKOFF })
    const log = record(connection)
    connection.start()
    await until(() => connection.state === 'joined', 'joined')
    expect(JSON.parse(tap.sent[0]!)).toEqual({ type: 'resume', id: expect.any(String), v: PROTOCOL_VERSION })
    expect(tap.sent.join('\n')).not.toMatch(/token/)
    expect(log.states.map((change) => change.state)).toEqual(['connecting', 'joined'])
    connection.stop()
  })

  it('stops (no retry loop) when the board session is gone', async () => {
    // Signed out on the board before the page connects: the cookie no longer names a session.
    const { WebSocketImpl } = await browserSocket('alice', { signedOut: true })
    const connection = new ChatConnection({ url: site.gatewayUrl, WebSocketImpl, backoff: FAST_BACKOFF })
    const log = record(connection)
    connection.start()
    await until(() => connection.state === 'stopped', 'stopped')
    expect(log.states.at(-1)).toMatchObject({ state: 'stopped', reason: 'signed-out' })
  })

  it('resends a message whose ack was lost with the SAME id: stored and delivered once', async () => {
    const alice = await browserSocket('alice')
    const luke = await browserSocket('luke')
    const aliceConnection = new ChatConnection({ url: site.gatewayUrl, ...alice, backoff: FAST_BACKOFF })
    const lukeConnection = new ChatConnection({ url: site.gatewayUrl, ...luke, backoff: FAST_BACKOFF })
    const aliceLog = record(aliceConnection)
    const lukeLog = record(lukeConnection)
    aliceConnection.start()
    lukeConnection.start()
    await until(() => aliceConnection.state === 'joined' && lukeConnection.state === 'joined', 'both joined')

    // The network loses the gateway's ack: the message IS stored, but the page cannot know.
    alice.tap.dropIn = (frame) => frame.type === 'ack'
    const id = aliceConnection.request({ type: 'message', to: 'luke', text: 'ack lost on the way' })
    const [aliceId, lukeId] = [await userId('alice'), await userId('luke')]
    const stored = async () =>
      (await site.board.storage.messages.conversation(aliceId, lukeId, { limit: 50 })).filter(
        (row) => row.body === 'ack lost on the way',
      )
    await until(async () => (await stored()).length === 1, 'stored')
    expect(aliceConnection.unackedCount).toBe(1)

    // The connection drops; the page reconnects and resends.
    alice.tap.dropIn = () => false
    alice.tap.sockets.at(-1)!.terminate()
    await until(() => aliceLog.replies.some((entry) => entry.request.id === id), 'the ack of the resend')
    const sends = alice.tap.sent.map((raw) => JSON.parse(raw)).filter((frame) => frame.type === 'message')
    expect(sends.map((frame) => frame.id)).toEqual([id, id])
    expect(aliceLog.replies.find((entry) => entry.request.id === id)!.reply).toMatchObject({ type: 'ack' })
    expect(aliceConnection.unackedCount).toBe(0)
    expect(await stored()).toHaveLength(1)
    await until(() => lukeLog.messages.some((message) => message.text === 'ack lost on the way'), 'luke got it')
    expect(lukeLog.messages.filter((message) => message.text === 'ack lost on the way')).toHaveLength(1)
    aliceConnection.stop()
    lukeConnection.stop()
  })

  it('passes a message pushed again after a reconnect on only once, and confirms it then', async () => {
    const alice = await browserSocket('alice')
    const luke = await browserSocket('luke')
    const aliceConnection = new ChatConnection({ url: site.gatewayUrl, ...alice, backoff: FAST_BACKOFF })
    const lukeConnection = new ChatConnection({ url: site.gatewayUrl, ...luke, backoff: FAST_BACKOFF })
    const aliceLog = record(aliceConnection)
    aliceConnection.start()
    lukeConnection.start()
    await until(() => aliceConnection.state === 'joined' && lukeConnection.state === 'joined', 'both joined')

    // Alice's `received` is lost: the gateway keeps the message queued for her.
    alice.tap.dropOut = (frame) => frame.type === 'received'
    lukeConnection.request({ type: 'message', to: 'alice', text: 'shown, confirmation lost' })
    await until(() => aliceLog.messages.length === 1, 'alice got it')
    await until(() => alice.tap.sent.some((raw) => JSON.parse(raw).type === 'received'), 'received written')
    const aliceId = await userId('alice')
    expect(await site.board.storage.messages.pendingMessages(aliceId, 10)).toHaveLength(1)

    alice.tap.dropOut = () => false
    const socketsBefore = alice.tap.sockets.length
    alice.tap.sockets.at(-1)!.terminate()
    await until(() => alice.tap.sockets.length > socketsBefore && aliceConnection.state === 'joined', 'rejoined')
    // The gateway pushes it again (offline queue); the page is not told twice but confirms it.
    await until(async () => (await site.board.storage.messages.pendingMessages(aliceId, 10)).length === 0, 'confirmed')
    expect(aliceLog.messages).toHaveLength(1)
    expect(aliceLog.messages[0]!.offline).toBe(false)
    aliceConnection.stop()
    lukeConnection.stop()
  })

  it('keeps requests made while disconnected and sends them after the sign-in, messages first', async () => {
    const alice = await browserSocket('alice')
    const connection = new ChatConnection({ url: site.gatewayUrl, ...alice, backoff: FAST_BACKOFF })
    const log = record(connection)
    const history = connection.request({ type: 'history', with: 'luke', limit: 5 })
    const message = connection.request({ type: 'message', to: 'luke', text: 'typed before connecting' })
    connection.start()
    await until(() => log.replies.length === 2, 'both answered')
    const frames = alice.tap.sent.map((raw) => JSON.parse(raw))
    expect(frames.map((frame) => frame.type)).toEqual(['resume', 'message', 'history'])
    expect(frames[1].id).toBe(message)
    expect(log.replies.find((entry) => entry.request.id === history)!.reply).toMatchObject({ type: 'history' })
    connection.stop()
  })
})

describe('backoffDelay and newClientId', () => {
  it('grows exponentially to the cap with equal jitter, never zero', () => {
    const options = { initialMs: 500, maxMs: 15_000, factor: 2 }
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([
      250, 500, 1000, 2000, 7500,
    ])
    expect([0, 1, 5, 10].map((attempt) => backoffDelay(attempt, options, () => 0.999999))).toEqual([
      500, 1000, 15_000, 15_000,
    ])
  })

  it('makes ids the protocol accepts, unique', () => {
    const check = Compile(ClientId)
    const ids = new Set(Array.from({ length: 1000 }, () => newClientId()))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(check.Check(id), id).toBe(true)
  })
})
