/**
 * Every chat rule across two gateways joined by a real Redis (bus + shared state), in this process
 * for speed; e2e/test/scale-out*.test.ts repeats the essentials with separate processes on
 * PostgreSQL. Heartbeats are set far beyond the test length, so anything that ends a session does so
 * through the bus, not through the heartbeat's re-check.
 */
import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers/client.js'
import { GatewayPair } from './helpers/pair.js'

let pair: GatewayPair
afterEach(async () => {
  expect(pair.invalidFrames()).toEqual([])
  await pair.close()
})

const sawPresence = (client: TestClient, user: string, state: 'online' | 'offline', since = 0) =>
  client.waitForType('presence', (p) => p.user === user && p.state === state, { since })

describe('two gateways on one Redis', () => {
  it('delivers a message to a user on the other gateway at once, with presence and whoelse across', async () => {
    pair = await GatewayPair.start()
    const luke = await pair.loginAs(0, 'luke')
    const hans = await pair.loginAs(1, 'hans')
    expect(hans.ofType('welcome')[0]!.online).toEqual(['luke'])
    await sawPresence(luke, 'hans', 'online')
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    expect(await hans.request({ type: 'whoelse' })).toMatchObject({ users: ['luke'] })

    const ack = await hans.request({ type: 'message', to: 'luke', text: 'across' })
    expect(ack).toMatchObject({ type: 'ack', delivered: true })
    const message = await luke.waitForType('message', (m) => m.text === 'across')
    expect(message).toMatchObject({ from: 'hans', offline: false })
    luke.send({ type: 'received', ids: [message.messageId] })

    hans.send({ type: 'logout' })
    await sawPresence(luke, 'hans', 'offline')
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: [] })
    expect(await luke.request({ type: 'whoelsesince', seconds: 60 })).toMatchObject({ users: ['hans'] })
    // Offline now: queued, not delivered, and pushed at the next sign-in on either gateway.
    expect(await luke.request({ type: 'message', to: 'hans', text: 'later' })).toMatchObject({ delivered: false })
    const back = await pair.loginAs(0, 'hans')
    expect(await back.waitForType('message', (m) => m.text === 'later')).toMatchObject({ offline: true })
  })

  it('announces each user once however many gateways they are connected to', async () => {
    pair = await GatewayPair.start()
    const luke = await pair.loginAs(0, 'luke')
    const hans = await pair.loginAs(1, 'hans')
    await sawPresence(luke, 'hans', 'online')
    // A second connection of hans's session on the other gateway (a browser tab would do this).
    const token = hans.ofType('welcome')[0]!.token!
    const since = luke.frames.length
    const hansAgain = await pair.connect(0)
    expect(await hansAgain.request({ type: 'resume', v: 1, token })).toMatchObject({ type: 'welcome' })
    await hans.waitClosed() // a token resume replaces the stale CLI socket, here across gateways
    expect((await hans.closed).code).toBe(4003)
    expect(hans.ofType('bye')[0]!.reason).toBe('replaced')
    await luke.request({ type: 'whoelse' })
    expect(luke.frames.slice(since).filter((f) => f.type === 'presence')).toEqual([])
    hansAgain.terminate()
    await sawPresence(luke, 'hans', 'offline', since)
  })

  it('refuses a second session of an account online on the other gateway (CHAT_ONE_SESSION_PER_USER)', async () => {
    pair = await GatewayPair.start({ config: { oneSessionPerUser: true } })
    await pair.loginAs(0, 'hans')
    const second = await pair.connect(1)
    const reply = await second.request({ type: 'login', v: 1, username: 'hans', password: 'correct horse battery' })
    expect(reply).toMatchObject({ type: 'error', code: ErrorCode.AlreadyOnline })
  })

  it('broadcasts across gateways, reporting a skip for a blocker on the other one', async () => {
    pair = await GatewayPair.start()
    const hans = await pair.loginAs(0, 'hans')
    const luke = await pair.loginAs(1, 'luke')
    const yoda = await pair.loginAs(1, 'yoda')
    expect(await yoda.request({ type: 'block', user: 'hans' })).toMatchObject({ type: 'ack' })
    const ack = await hans.request({ type: 'broadcast', id: 'bcast-across-1', text: 'hello all' })
    expect(ack).toMatchObject({ type: 'ack', skipped: true })
    await luke.waitForType('broadcast', (b) => b.text === 'hello all')
    // A resend of the same id through the other gateway is answered, not sent again.
    const hansOnOther = await pair.connect(1)
    await hansOnOther.request({ type: 'resume', v: 1, token: hans.ofType('welcome')[0]!.token! })
    expect(await hansOnOther.request({ type: 'broadcast', id: 'bcast-across-1', text: 'hello all' })).toMatchObject({
      type: 'ack',
      skipped: true,
    })
    await luke.request({ type: 'whoelse' })
    expect(luke.ofType('broadcast')).toHaveLength(1)
    expect(yoda.ofType('broadcast')).toEqual([])
    // The block holds across gateways: hidden from whoelse, messages refused.
    expect(await hansOnOther.request({ type: 'whoelse' })).toMatchObject({ users: ['luke'] })
    expect(await hansOnOther.request({ type: 'message', to: 'yoda', text: 'hi' })).toMatchObject({
      code: ErrorCode.BlockedByRecipient,
    })
  })

  it('brokers a private chat between users on different gateways', async () => {
    pair = await GatewayPair.start()
    const hans = await pair.loginAs(0, 'hans')
    const luke = await pair.loginAs(1, 'luke')
    expect(await hans.request({ type: 'startprivate', user: 'luke' })).toMatchObject({ type: 'ack', user: 'luke' })
    const request = await luke.waitForType('private_request')
    const endpoint = { port: 40123, hosts: ['127.0.0.1'], fingerprint: Array(32).fill('AB').join(':') }
    expect(
      await luke.request({ type: 'private_answer', requestId: request.requestId, accept: true, endpoint }),
    ).toMatchObject({ type: 'ack', user: 'hans' })
    const initiator = await hans.waitForType('private_ready')
    const acceptor = await luke.waitForType('private_ready')
    expect(initiator).toMatchObject({ role: 'initiator', user: 'luke', port: 40123, ticket: acceptor.ticket })
    // Answered once only, from any gateway.
    const lukeAgain = await pair.connect(0)
    await lukeAgain.request({ type: 'resume', v: 1, token: luke.ofType('welcome')[0]!.token! })
    expect(
      await lukeAgain.request({ type: 'private_answer', requestId: request.requestId, accept: false }),
    ).toMatchObject({ code: ErrorCode.InvalidCommand })
    // Offline on every gateway: not possible.
    lukeAgain.send({ type: 'logout' })
    await lukeAgain.waitClosed()
    await sawPresence(hans, 'luke', 'offline')
    expect(await hans.request({ type: 'startprivate', user: 'luke' })).toMatchObject({
      code: ErrorCode.PrivateNotEnabled,
    })
  })

  it('ends revoked sessions at once on every gateway, with the right reason', async () => {
    pair = await GatewayPair.start()
    const luke = await pair.loginAs(0, 'luke')
    const hans = await pair.loginAs(1, 'hans')
    const yoda = await pair.loginAs(0, 'yoda')
    await pair.publishRevocation({ userId: await pair.userId('hans'), tokenHashes: 'all', reason: 'suspended' })
    expect((await hans.waitClosed()).code).toBe(4002)
    expect(hans.ofType('bye')[0]!.reason).toBe('suspended')
    await sawPresence(luke, 'hans', 'offline')
    // One session only: the others stay.
    const yodaHash = pair.auth.hashToken(yoda.ofType('welcome')[0]!.token!)
    await pair.publishRevocation({ userId: await pair.userId('yoda'), tokenHashes: [yodaHash], reason: 'password' })
    expect((await yoda.waitClosed()).code).toBe(4001)
    expect(yoda.ofType('bye')[0]!.reason).toBe('revoked')
    await pair.publishRevocation({
      userId: await pair.userId('luke'),
      tokenHashes: ['0'.repeat(64)],
      reason: 'logout',
    })
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
    // A chat logout on one gateway revokes the token everywhere: resuming it on the other fails.
    const token = luke.ofType('welcome')[0]!.token!
    luke.send({ type: 'logout' })
    await luke.waitClosed()
    const again = await pair.connect(1)
    expect(await again.request({ type: 'resume', v: 1, token })).toMatchObject({ code: ErrorCode.Unauthorized })
  })
})
