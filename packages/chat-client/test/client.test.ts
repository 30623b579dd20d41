/**
 * The shared client's state machine against an in-memory gateway (test/memory-transport.ts): the
 * delivery rules both the terminal and the page rely on. The same client runs against real
 * gateways in apps/chat-cli/test (the terminal's policy) and apps/board/test (the page's).
 */
import { describe, expect, it, vi } from 'vitest'
import { ChatClient, type ChatClientOptions, type ClientEvent, ConnectionError } from '../src/index.js'
import { MemoryGateway, settle, welcome } from './memory-transport.js'

const FAST = { initialMs: 1, maxMs: 4 }

function setup(options: Partial<ChatClientOptions> = {}) {
  const gateway = new MemoryGateway()
  const client = new ChatClient({ connect: gateway.connect, signIn: 'cookie', backoff: FAST, ...options })
  const events: ClientEvent[] = []
  client.on((event) => events.push(event))
  return { gateway, client, events }
}

/** Answers the `resume` of the newest connection with a welcome. */
async function welcomeLatest(gateway: MemoryGateway, token?: string): Promise<void> {
  await vi.waitFor(() => expect(gateway.last.framesOf('resume')).toHaveLength(1))
  gateway.last.push(welcome(gateway.last.framesOf('resume')[0]!.id, 'alice', token))
}

describe('cookie sign-in (the page)', () => {
  it('resumes without a token on every connection, and joins on welcome', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    expect(client.state).toBe('joined')
    expect(gateway.last.sent[0]).toEqual({ type: 'resume', id: expect.any(String), v: 1 })
    gateway.last.drop()
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await welcomeLatest(gateway)
    expect(gateway.last.sent[0]).not.toHaveProperty('token')
    expect(events.filter((e) => e.type === 'joined').map((e) => e.type === 'joined' && e.resumed)).toEqual([
      false,
      true,
    ])
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconnecting', attempt: 1, reason: 'lost' }))
  })

  it('stops when the gateway refuses the session, and starts again on reconnectNow', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await vi.waitFor(() => expect(gateway.links).toHaveLength(1))
    const resume = gateway.last.framesOf('resume')[0]!
    const typed = client.request({ type: 'message', to: 'luke', text: 'kept' })
    gateway.last.push({ type: 'error', replyTo: resume.id, code: 'CHAT_ALREADY_ONLINE', message: 'elsewhere' })
    expect(client.state).toBe('stopped')
    expect(events).toContainEqual({
      type: 'stopped',
      cause: { why: 'session-ended', code: 'CHAT_ALREADY_ONLINE', message: 'elsewhere' },
    })
    client.reconnectNow()
    await welcomeLatest(gateway)
    // The message typed before the stop was kept and goes out now.
    expect(gateway.last.framesOf('message').map((frame) => frame.id)).toEqual([typed.id])
  })

  it('waits at least retryAfterMs when the sign-in is rate limited, then tries again', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await vi.waitFor(() => expect(gateway.links).toHaveLength(1))
    const resume = gateway.last.framesOf('resume')[0]!
    gateway.last.push({ type: 'error', replyTo: resume.id, code: 'RATE_LIMITED', message: 'slow', retryAfterMs: 30 })
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconnecting', delayMs: 30 }))
    expect(gateway.links[0]!.open).toBe(false)
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await welcomeLatest(gateway)
    expect(client.state).toBe('joined')
  })

  it('stops for good on a final connection error (a malformed URL)', async () => {
    const { gateway, client, events } = setup()
    gateway.refuse = new ConnectionError('bad URL', { final: true })
    client.start()
    await vi.waitFor(() => expect(client.state).toBe('stopped'))
    expect(events).toContainEqual({ type: 'stopped', cause: { why: 'unreachable', message: 'bad URL' } })
  })
})

describe('delivery', () => {
  it('resends unacked messages and broadcasts with their original ids after a drop, before other requests', async () => {
    const { gateway, client } = setup()
    client.start()
    await welcomeLatest(gateway)
    const message = client.request({ type: 'message', to: 'luke', text: 'one' })
    const broadcast = client.request({ type: 'broadcast', text: 'all' })
    gateway.last.drop()
    const who = client.request({ type: 'whoelse' })
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await welcomeLatest(gateway)
    expect(gateway.last.sent.map((frame) => ('id' in frame ? [frame.type, frame.id] : [frame.type]))).toEqual([
      ['resume', expect.any(String)],
      ['message', message.id],
      ['broadcast', broadcast.id],
      ['whoelse', who.id],
    ])
    expect(client.unackedCount).toBe(2)
    gateway.last.push({ type: 'ack', replyTo: message.id, messageId: 1 })
    expect(await message.reply).toMatchObject({ type: 'ack', messageId: 1 })
    expect(client.unackedCount).toBe(1)
  })

  it('sends a rate-limited message again, with the same id, once the bucket refills', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    const message = client.request({ type: 'message', to: 'luke', text: 'soon' })
    gateway.last.push({ type: 'error', replyTo: message.id, code: 'RATE_LIMITED', message: 'slow', retryAfterMs: 5 })
    expect(events.some((e) => e.type === 'reply')).toBe(false)
    await vi.waitFor(() => expect(gateway.last.framesOf('message')).toHaveLength(2))
    expect(gateway.last.framesOf('message').map((frame) => frame.id)).toEqual([message.id, message.id])
  })

  it('gives up a rate-limited message when told not to retry (the terminal shows the error)', async () => {
    const { gateway, client } = setup({ retryRateLimited: false })
    client.start()
    await welcomeLatest(gateway)
    const message = client.request({ type: 'message', to: 'luke', text: 'no' })
    gateway.last.push({ type: 'error', replyTo: message.id, code: 'RATE_LIMITED', message: 'slow' })
    expect(await message.reply).toMatchObject({ type: 'error', code: 'RATE_LIMITED' })
    expect(client.unackedCount).toBe(0)
  })

  it('repeats reads lost in a drop and reports other lost requests with reply null', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    const history = client.request({ type: 'history', with: 'luke', limit: 5 })
    const answer = client.request({ type: 'private_answer', requestId: 'r1', accept: false })
    gateway.last.drop()
    expect(await answer.reply).toBeNull()
    expect(events).toContainEqual({ type: 'reply', request: expect.objectContaining({ id: answer.id }), reply: null })
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await welcomeLatest(gateway)
    expect(gateway.last.framesOf('history').map((frame) => frame.id)).toEqual([history.id])
    expect(gateway.last.framesOf('private_answer')).toHaveLength(0)
  })
})

describe('incoming messages', () => {
  const frame = { type: 'message', messageId: 7, from: 'luke', text: 'hi', at: 1, offline: false }

  it('passes each message on once and confirms only what the page says it has shown (and duplicates)', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    gateway.last.push(frame)
    await settle()
    expect(gateway.last.framesOf('received')).toEqual([])
    client.confirm([7])
    await settle()
    gateway.last.push(frame)
    await settle()
    expect(gateway.last.framesOf('received').map((f) => f.ids)).toEqual([[7], [7]])
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
  })

  it('confirms on its own with autoConfirm, batching one turn into one frame', async () => {
    const { gateway, client } = setup({ autoConfirm: true })
    client.start()
    await welcomeLatest(gateway)
    gateway.last.push(frame)
    gateway.last.push({ ...frame, messageId: 8 })
    await settle()
    expect(gateway.last.framesOf('received').map((f) => f.ids)).toEqual([[7, 8]])
  })

  it('passes frames it does not know on as push events (a newer gateway)', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    gateway.last.push({ type: 'something_new', detail: 1 })
    gateway.last.push({ no: 'type' })
    expect(events.filter((e) => e.type === 'push')).toEqual([
      { type: 'push', event: { type: 'something_new', detail: 1 } },
    ])
  })
})

describe('the end of a session', () => {
  it('reconnects after bye shutdown, saying why, but stops after any other bye', async () => {
    const { gateway, client, events } = setup()
    client.start()
    await welcomeLatest(gateway)
    gateway.last.push({ type: 'bye', reason: 'shutdown', message: 'restarting' })
    gateway.last.drop(1001)
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconnecting', reason: 'shutdown' }))
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await welcomeLatest(gateway)
    gateway.last.push({ type: 'bye', reason: 'timeout', message: 'idle' })
    expect(client.state).toBe('stopped')
    expect(gateway.last.open).toBe(false)
    expect(events.at(-1)).toEqual({ type: 'stopped', cause: { why: 'bye', reason: 'timeout', message: 'idle' } })
  })

  it('stops after a policy close; with stopIsFinal every stop closes and later requests get null', async () => {
    const { gateway, client, events } = setup({ stopIsFinal: true })
    client.start()
    await welcomeLatest(gateway)
    gateway.last.drop(1008, 'too many bad frames')
    expect(client.state).toBe('closed')
    expect(events.at(-1)).toEqual({
      type: 'closed',
      cause: { why: 'policy', code: 1008, reason: 'too many bad frames' },
    })
    expect(await client.request({ type: 'whoelse' }).reply).toBeNull()
    expect(gateway.links).toHaveLength(1)
  })
})

describe('password sign-in (the terminal)', () => {
  it('signs in with login on the first connection and resumes later ones with the token', async () => {
    const { gateway, client } = setup({ signIn: 'password' })
    await client.connect()
    expect(client.state).toBe('signing-in')
    const login = client.login('alice', 'pw')
    const frame = gateway.last.framesOf('login')[0]!
    expect(frame).toMatchObject({ v: 1, username: 'alice', password: 'pw' })
    gateway.last.push(welcome(frame.id, 'alice', 'token-1'))
    expect(await login).toMatchObject({ type: 'welcome' })
    gateway.last.drop()
    await vi.waitFor(() => expect(gateway.links).toHaveLength(2))
    await vi.waitFor(() => expect(gateway.last.framesOf('resume')).toHaveLength(1))
    expect(gateway.last.framesOf('resume')[0]).toMatchObject({ v: 1, token: 'token-1' })
  })

  it('rejects connect() and closes when the first connection cannot be made', async () => {
    const { gateway, client } = setup({ signIn: 'password' })
    gateway.refuse = new ConnectionError('Cannot connect: ECONNREFUSED')
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/)
    expect(client.state).toBe('closed')
  })
})
