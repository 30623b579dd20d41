import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChatClient, type ClientEvent, ConnectionError } from '../src/client.js'
import { FakeGateway } from './fake-gateway.js'

let gateway: FakeGateway
let client: ChatClient
let events: ClientEvent[]

/** Waits until an event matching `predicate` has been emitted (now or before). */
async function waitForEvent<T extends ClientEvent['type']>(
  type: T,
  predicate: (event: Extract<ClientEvent, { type: T }>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Extract<ClientEvent, { type: T }>> {
  return vi.waitFor(
    () => {
      const found = events.find((e): e is Extract<ClientEvent, { type: T }> => e.type === type && predicate(e as never))
      if (!found) throw new Error(`timed out waiting for a '${type}' event`)
      return found
    },
    { timeout: timeoutMs, interval: 20 },
  )
}

function makeClient(options: Partial<ConstructorParameters<typeof ChatClient>[0]> = {}): ChatClient {
  const made = new ChatClient({
    url: gateway.url,
    ca: gateway.certs.ca,
    backoff: { initialMs: 20, maxMs: 200 },
    ...options,
  })
  made.on((event) => events.push(event))
  return made
}

async function joined(): Promise<void> {
  await client.connect()
  const welcome = await client.login('hans', 'pw')
  expect(welcome.type).toBe('welcome')
}

beforeEach(async () => {
  gateway = await FakeGateway.start()
  events = []
  client = makeClient()
})

afterEach(async () => {
  client.close()
  await gateway.close()
})

describe('ChatClient sign-in', () => {
  it('offers the parley.v1 subprotocol, looks up, logs in and emits joined before resolving', async () => {
    await client.connect()
    expect(client.state).toBe('signing-in')
    expect(await client.lookup('hans')).toMatchObject({ type: 'lookup', exists: true })
    const wrong = await client.login('hans', 'nope')
    expect(wrong).toMatchObject({ type: 'error', code: 'AUTH_INVALID_CREDENTIALS' })
    expect(client.state).toBe('signing-in')
    const welcome = await client.login('hans', 'pw')
    expect(welcome).toMatchObject({ type: 'welcome', username: 'hans', token: 'token-1' })
    expect(client.state).toBe('joined')
    expect(events.filter((e) => e.type === 'joined')).toEqual([
      expect.objectContaining({ type: 'joined', resumed: false }),
    ])
    expect(gateway.framesOf('login').map((r) => r.frame)).toEqual([
      expect.objectContaining({ v: 1, username: 'hans', password: 'nope' }),
      expect.objectContaining({ v: 1, username: 'hans', password: 'pw' }),
    ])
  })

  it('refuses a server that does not select the subprotocol', async () => {
    gateway.selectProtocol = false
    await expect(client.connect()).rejects.toThrow(ConnectionError)
    expect(client.state).toBe('closed')
  })

  it('refuses a server whose certificate is not signed by the given CA', async () => {
    client = makeClient({ ca: undefined })
    await expect(client.connect()).rejects.toThrow(/Cannot connect to wss:\/\/localhost:\d+\/: .*certificate/)
  })

  it('reports an unreachable gateway', async () => {
    const url = gateway.url
    await gateway.close()
    gateway = await FakeGateway.start() // another port; afterEach closes it
    client = makeClient({ url })
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe('ChatClient requests and events', () => {
  it('correlates replies and emits them as reply events', async () => {
    await joined()
    const reply = await client.request({ type: 'whoelse' })
    expect(reply).toMatchObject({ type: 'users', users: ['luke', 'yoda'] })
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reply', request: expect.objectContaining({ type: 'whoelse' }) }),
    )
  })

  it('shows each incoming message once, and answers received for every delivery (also duplicates)', async () => {
    await joined()
    const frame = { type: 'message', messageId: 7, from: 'luke', text: 'hi', at: 1, offline: true } as const
    gateway.push(frame)
    gateway.push(frame)
    gateway.push({ ...frame, messageId: 8, text: 'second' })
    await gateway.until(() => gateway.framesOf('received').flatMap((r) => r.frame.ids).length === 3, 'received acks')
    expect(gateway.framesOf('received').flatMap((r) => r.frame.ids)).toEqual([7, 7, 8])
    const shown = events.filter((e) => e.type === 'message')
    expect(shown.map((e) => e.type === 'message' && e.message.text)).toEqual(['hi', 'second'])
  })

  it('passes other events on as push events', async () => {
    await joined()
    gateway.push({ type: 'presence', user: 'yoda', state: 'online', at: 1 })
    const push = await waitForEvent('push')
    expect(push.event).toMatchObject({ type: 'presence', user: 'yoda' })
  })

  it('drain() resolves only once held messages are acked', async () => {
    await joined()
    gateway.holdAcks = true
    const ack = client.request({ type: 'message', to: 'luke', text: 'hello' })
    let drained = false
    const drain = client.drain().then(() => {
      drained = true
    })
    await gateway.until(() => gateway.framesOf('message').length === 1, 'the message')
    expect(drained).toBe(false)
    expect(client.unackedCount).toBe(1)
    gateway.ackHeld()
    await drain
    expect(await ack).toMatchObject({ type: 'ack', messageId: 1 })
    expect(client.unackedCount).toBe(0)
  })

  it('logout resolves after bye and stops for good', async () => {
    await joined()
    await client.logout()
    expect(client.state).toBe('closed')
    expect(events).toContainEqual({ type: 'closed', cause: { why: 'bye', reason: 'logout', message: 'Goodbye' } })
    expect(events.some((e) => e.type === 'reconnecting')).toBe(false)
  })
})

describe('ChatClient reconnect', () => {
  it('resumes with the token and resends unacked messages with their original ids', async () => {
    await joined()
    gateway.holdAcks = true
    const first = client.request({ type: 'message', to: 'luke', text: 'one' })
    const second = client.request({ type: 'message', to: 'luke', text: 'two' })
    await gateway.until(() => gateway.framesOf('message').length === 2, 'two messages')
    const originalIds = gateway.framesOf('message').map((r) => r.frame.id)

    gateway.holdAcks = false
    gateway.dropAll()
    expect(await first).toMatchObject({ type: 'ack', messageId: 1 })
    expect(await second).toMatchObject({ type: 'ack', messageId: 2 })

    const resume = gateway.framesOf('resume')
    expect(resume).toHaveLength(1)
    expect(resume[0]!.frame).toMatchObject({ v: 1, token: 'token-1' })
    expect(resume[0]!.connection).toBe(2)
    const resent = gateway.framesOf('message').filter((r) => r.connection === 2)
    expect(resent.map((r) => r.frame.id)).toEqual(originalIds)
    expect(resent.map((r) => r.frame.text)).toEqual(['one', 'two'])
    expect(gateway.stored.size).toBe(2)
    expect(events).toContainEqual(expect.objectContaining({ type: 'joined', resumed: true }))
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconnecting', attempt: 1 }))
  })

  it('sends messages typed while disconnected once the session is back, with backoff between refusals', async () => {
    await joined()
    gateway.accepting = false
    gateway.dropAll()
    await waitForEvent('reconnecting', (e) => e.attempt >= 3)
    expect(client.state).toBe('reconnecting')
    const typed = client.request({ type: 'message', to: 'luke', text: 'typed offline' })
    const who = client.request({ type: 'whoelse' })
    gateway.accepting = true
    expect(await typed).toMatchObject({ type: 'ack' })
    expect(await who).toMatchObject({ type: 'users' })
    const sent = gateway.framesOf('message')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.frame.text).toBe('typed offline')
    const delays = events.flatMap((e) => (e.type === 'reconnecting' ? [e.delayMs] : []))
    // Equal jitter: attempt n waits between half and all of min(max, initial * 2^n).
    delays.forEach((delay, n) => {
      const ceiling = Math.min(200, 20 * 2 ** n)
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
      expect(delay).toBeLessThanOrEqual(ceiling)
    })
  })

  it('does not show a message redelivered after a reconnect twice, but acks it again', async () => {
    await joined()
    const frame = { type: 'message', messageId: 42, from: 'luke', text: 'once', at: 1, offline: false } as const
    gateway.push(frame)
    await gateway.until(() => gateway.framesOf('received').length === 1, 'first received')
    gateway.dropAll()
    await waitForEvent('joined', (e) => e.resumed)
    gateway.push({ ...frame, offline: true })
    await gateway.until(() => gateway.framesOf('received').length === 2, 'second received')
    expect(gateway.framesOf('received').map((r) => [r.connection, r.frame.ids])).toEqual([
      [1, [42]],
      [2, [42]],
    ])
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
  })

  it('repeats read-only requests lost in a drop and reports the others as lost', async () => {
    await joined()
    const broadcast = client.request({ type: 'broadcast', text: 'hello' }) // the fake never answers it
    await gateway.until(() => gateway.framesOf('broadcast').length === 1, 'the broadcast')
    gateway.accepting = false
    gateway.dropAll()
    expect(await broadcast).toBeNull()
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'lost', request: expect.objectContaining({ type: 'broadcast' }) }),
    )
    gateway.accepting = true
    await waitForEvent('joined', (e) => e.resumed)
    expect(gateway.framesOf('broadcast')).toHaveLength(1)
  })

  it('reconnects after bye shutdown (gateway restart) but stops after bye timeout', async () => {
    await joined()
    gateway.push({ type: 'bye', reason: 'shutdown', message: 'restarting' })
    gateway.sockets.at(-1)!.close(1001)
    await waitForEvent('joined', (e) => e.resumed)
    gateway.push({ type: 'bye', reason: 'timeout', message: 'idle' })
    const closed = await waitForEvent('closed')
    expect(closed.cause).toEqual({ why: 'bye', reason: 'timeout', message: 'idle' })
    expect(client.state).toBe('closed')
    expect(await client.request({ type: 'whoelse' })).toBeNull()
  })

  it('ends the session when the gateway refuses to resume it', async () => {
    await joined()
    gateway.validToken = null
    gateway.dropAll()
    const closed = await waitForEvent('closed')
    expect(closed.cause).toMatchObject({ why: 'session-ended', code: 'AUTH_UNAUTHORIZED' })
  })

  it('does not reconnect after a policy close', async () => {
    await joined()
    gateway.sockets.at(-1)!.close(1008, 'too many bad frames')
    const closed = await waitForEvent('closed')
    expect(closed.cause).toEqual({ why: 'policy', code: 1008, reason: 'too many bad frames' })
    expect(gateway.connections).toBe(1)
  })
})
