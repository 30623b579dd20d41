/**
 * Crash safety of the real process: a gateway killed with SIGKILL in the middle of a message storm
 * and started again loses no acknowledged message and shows none twice (the client resends what was
 * not acknowledged, the gateway deduplicates, the recipient confirms what it showed).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAuth } from '@parley/auth'
import { ensureCerts } from '@parley/certs'
import { openStorage } from '@parley/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChildGateway } from './helpers/child-gateway.js'
import { TestClient } from './helpers/client.js'
import { PASSWORD } from './helpers/harness.js'

let dir: string
let ca: Buffer
let env: Record<string, string>
const children: ChildGateway[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-restart-'))
  ca = (await ensureCerts(join(dir, 'certs'))).ca
  env = {
    CHAT_HOST: '127.0.0.1',
    CHAT_PORT: '0',
    CHAT_INSTANCE_ID: 'restart-test',
    DATABASE_PATH: join(dir, 'parley.db'),
    CERTS_DIR: join(dir, 'certs'),
    CHAT_RATE_PER_SECOND: '10000',
    CHAT_RATE_BURST: '10000',
    CHAT_USER_RATE_PER_SECOND: '10000',
    CHAT_USER_RATE_BURST: '10000',
    // Many sign-ins from 127.0.0.1: the abuse limits are not under test here.
    AUTH_RATE_LIMIT: '100000',
    AUTH_LOOKUP_RATE_LIMIT: '100000',
    LOG_LEVEL: 'info',
  }
  const storage = await openStorage({ sqlitePath: env.DATABASE_PATH })
  const auth = createAuth({ storage })
  for (const name of ['hans', 'luke', 'yoda']) await auth.createUser(name, PASSWORD)
  await storage.close()
})

afterAll(async () => {
  for (const child of children) await child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

async function startChild(): Promise<ChildGateway> {
  const child = await ChildGateway.start(env)
  children.push(child)
  return child
}

/** A recipient that shows each message once (by messageId, as the CLI does) and confirms it. */
function showAndConfirm(client: TestClient, shown: Map<number, string>): void {
  client.ws.prependListener('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; messageId?: number; text?: string }
    if (frame.type !== 'message') return
    if (!shown.has(frame.messageId!)) shown.set(frame.messageId!, frame.text!)
    client.send({ type: 'received', ids: [frame.messageId!] })
  })
}

describe('gateway process restarts', () => {
  it('loses no acknowledged message and shows none twice across a SIGKILL mid-storm', async () => {
    const total = 1000
    const ids = Array.from({ length: total }, (_, i) => `storm-${String(i).padStart(4, '0')}-x`)
    const textOf = (id: string) => `text of ${id}`
    const acked = new Map<string, number>() // client id → stored message id
    const shown = new Map<number, string>()

    let gateway = await startChild()
    const hans = await TestClient.connect(gateway.url, { ca })
    const { token: hansToken } = await hans.login('hans', PASSWORD)
    const luke = await TestClient.connect(gateway.url, { ca })
    const { token: lukeToken } = await luke.login('luke', PASSWORD)
    showAndConfirm(luke, shown)
    await luke.request({ type: 'block', user: 'yoda' })
    // The storm: a window of messages in flight, each ack sending the next, as a busy client does.
    const WINDOW = 20
    let next = 0
    let sender = hans
    const sendNext = () => {
      if (next >= total) return
      const id = ids[next++]!
      sender.send({ type: 'message', id, to: 'luke', text: textOf(id) })
    }
    let killAfterAcks = 300
    const recordAcks = (client: TestClient) =>
      client.ws.prependListener('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; replyTo?: string; messageId?: number }
        if (frame.type !== 'ack' || !frame.replyTo?.startsWith('storm-')) return
        acked.set(frame.replyTo, frame.messageId!)
        // SIGKILL right away, while the gateway is storing the next messages of the window.
        if (acked.size === killAfterAcks) gateway.process.kill('SIGKILL')
        else sendNext()
      })
    recordAcks(hans)
    for (let i = 0; i < WINDOW; i++) sendNext()
    expect(await gateway.exited).toMatchObject({ signal: 'SIGKILL' })
    killAfterAcks = -1
    await hans.waitClosed()
    await luke.waitClosed()
    const ackedBeforeCrash = new Map(acked)
    const sentBeforeCrash = next
    // The kill landed mid-storm: messages were in flight, unacknowledged.
    expect(sentBeforeCrash - ackedBeforeCrash.size).toBeGreaterThan(0)

    gateway = await startChild()
    const luke2 = await TestClient.connect(gateway.url, { ca })
    showAndConfirm(luke2, shown)
    expect(await luke2.request({ type: 'resume', v: 1, token: lukeToken })).toMatchObject({
      type: 'welcome',
      blocked: ['yoda'],
    })
    const hans2 = await TestClient.connect(gateway.url, { ca })
    expect(await hans2.request({ type: 'resume', v: 1, token: hansToken })).toMatchObject({ type: 'welcome' })
    sender = hans2
    recordAcks(hans2)
    // The client resends every message it holds no ack for (some may have been stored before the kill),
    // then goes on with the storm.
    const unacked = ids.slice(0, sentBeforeCrash).filter((id) => !ackedBeforeCrash.has(id))
    for (const id of unacked) hans2.send({ type: 'message', id, to: 'luke', text: textOf(id) })
    for (let i = 0; i < WINDOW; i++) sendNext()
    await hans2.waitFor(() => acked.size === total, { timeoutMs: 60_000 })
    // Wait until luke's client has been sent and has confirmed everything (its queue is empty).
    const storage = await openStorage({ sqlitePath: env.DATABASE_PATH! })
    try {
      const hansId = (await storage.users.getUserByKey('hans'))!.id
      const lukeId = (await storage.users.getUserByKey('luke'))!.id
      await expect
        .poll(async () => (await storage.messages.pendingMessages(lukeId)).length, { timeout: 60_000, interval: 100 })
        .toBe(0)

      // Every acknowledged message arrived, under the id it was acknowledged with, and no text twice.
      expect(shown.size).toBe(total)
      for (const [id, messageId] of ackedBeforeCrash) expect(shown.get(messageId)).toBe(textOf(id))
      for (const [id, messageId] of acked) expect(shown.get(messageId)).toBe(textOf(id))
      expect(new Set(shown.values()).size).toBe(total)

      // A graceful stop says goodbye and closes with 1001.
      const stopped = await gateway.kill('SIGTERM')
      expect(stopped).toEqual({ code: 0, signal: null })
      expect((await luke2.waitClosed()).code).toBe(1001)
      expect(luke2.ofType('bye').at(-1)).toMatchObject({ reason: 'shutdown' })
      expect(gateway.logs.map((entry) => entry.msg)).toContain('stopped')

      expect(await storage.check()).toEqual([])
      expect(await storage.messages.pendingMessages(lukeId)).toEqual([])
      const rows = await storage.messages.conversation(hansId, lukeId, { limit: 1000 })
      expect(rows).toHaveLength(total)
      expect(new Set(rows.map((row) => row.clientId)).size).toBe(total)
    } finally {
      await storage.close()
    }
  }, 180_000)
})
