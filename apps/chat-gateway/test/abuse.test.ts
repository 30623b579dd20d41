import { request } from 'node:https'
import { ErrorCode, MAX_FRAME_BYTES } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_BAD_FRAMES } from '../src/connection.js'
import { TestClient } from './helpers/client.js'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('upgrade checks', () => {
  it('refuses a client that does not offer parley.v1', async () => {
    h = await Harness.start()
    expect(await TestClient.refusedStatus(h.url, { ca: h.certs.ca, protocols: [] })).toBe(400)
    expect(await TestClient.refusedStatus(h.url, { ca: h.certs.ca, protocols: ['parley.v2'] })).toBe(400)
    const client = await h.connect()
    expect(client.ws.protocol).toBe('parley.v1')
  })

  it('answers plain HTTPS with 426 and a health check', async () => {
    h = await Harness.start()
    const base = `https://127.0.0.1:${h.gateway.port}`
    expect(await get(`${base}/`, h.certs.ca)).toMatchObject({ status: 426 })
    const health = await get(`${base}/healthz`, h.certs.ca)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', bus: 'ok', instanceId: 'test-instance' })
  })
})

describe('bad frames', () => {
  it('answers a malformed frame with PROTO_BAD_MESSAGE naming the request id when it can', async () => {
    h = await Harness.start()
    const client = await h.loginAs('hans')
    client.sendRaw('{not json')
    expect(await client.waitForType('error')).toMatchObject({ code: ErrorCode.BadMessage })
    const since = client.frames.length
    client.sendRaw(JSON.stringify({ type: 'message', id: 'abc', to: 'luke' }))
    const missingText = await client.waitForType('error', () => true, { since })
    expect(missingText).toMatchObject({ code: ErrorCode.BadMessage, replyTo: 'abc' })
    expect(missingText.message).toMatch(/text/)
    expect(await client.request({ type: 'dance' })).toMatchObject({ code: ErrorCode.BadMessage })
    expect(await client.request({ type: 'whoelse', extra: 1 })).toMatchObject({ code: ErrorCode.BadMessage })
    // Still connected and served.
    expect(await client.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
  })

  it('closes with 1008 after repeated malformed frames; others are unaffected', async () => {
    h = await Harness.start()
    const bystander = await h.loginAs('luke')
    const abuser = await h.loginAs('hans')
    for (let i = 0; i < MAX_BAD_FRAMES; i++) abuser.sendRaw(`garbage ${i}`)
    expect((await abuser.waitClosed()).code).toBe(1008)
    await bystander.waitForType('presence', (p) => p.user === 'hans' && p.state === 'offline')
    expect(await bystander.request({ type: 'whoelse' })).toMatchObject({ type: 'users', users: [] })
  })

  it('closes with 1003 on a binary frame', async () => {
    h = await Harness.start()
    const client = await h.loginAs('hans')
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'whoelse', id: 'x' })), true)
    expect((await client.waitClosed()).code).toBe(1003)
  })

  it('closes with 1009 on a frame over 64 KiB', async () => {
    h = await Harness.start()
    const bystander = await h.loginAs('luke')
    const client = await h.loginAs('hans')
    client.sendRaw(JSON.stringify({ type: 'broadcast', id: 'big', text: 'x'.repeat(MAX_FRAME_BYTES) }))
    expect((await client.waitClosed()).code).toBe(1009)
    expect(bystander.ofType('broadcast')).toEqual([])
    expect(await bystander.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
  })

  it('closes with 1007 on invalid UTF-8', async () => {
    h = await Harness.start()
    const client = await h.loginAs('hans')
    client.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false)
    expect((await client.waitClosed()).code).toBe(1007)
  })
})

describe('rate limit', () => {
  it('answers RATE_LIMITED past the burst, then closes with 1008 if the client keeps on', async () => {
    h = await Harness.start({ config: { ratePerSecond: 0.5, rateBurst: 3 } })
    const bystander = await h.loginAs('luke')
    await h.register('hans')
    const client = await h.connect()
    // login costs one token: 2 left.
    await client.login('hans', PASSWORD)
    client.send({ type: 'whoelse' })
    client.send({ type: 'whoelse' })
    const limited = await client.request({ type: 'whoelse' })
    expect(limited).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
    expect(limited.type === 'error' && limited.retryAfterMs).toBeGreaterThan(0)
    for (let i = 0; i < 10; i++) client.send({ type: 'whoelse' })
    expect((await client.waitClosed()).code).toBe(1008)
    expect(client.ofType('users')).toHaveLength(2)
    expect(await bystander.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
  })
})

describe('slow consumers', () => {
  it('cuts off a client that stops reading once its send buffer passes the bound; others go on', async () => {
    h = await Harness.start({ config: { maxBufferedBytes: 64 * 1024 } })
    const flooder = await h.loginAs('hans')
    const slow = await h.loginAs('luke')
    await flooder.waitForType('presence', (p) => p.user === 'luke' && p.state === 'online')
    slow.ws.pause()
    const text = 'z'.repeat(2000)
    let cutOff = false
    void flooder
      .waitForType('presence', (p) => p.user === 'luke' && p.state === 'offline', { timeoutMs: 120_000 })
      .then(() => {
        cutOff = true
      })
    let sent = 0
    while (!cutOff && sent < 50_000) {
      for (let i = 0; i < 100; i++) flooder.send({ type: 'broadcast', text })
      sent += 100
      await flooder.request({ type: 'whoelse' })
    }
    expect(cutOff).toBe(true)
    expect(h.logLines.some((line) => line.includes('slow consumer cut off'))).toBe(true)
    expect(await flooder.request({ type: 'whoelse' })).toMatchObject({ type: 'users', users: [] })
    expect(h.gateway.connectionCount()).toBe(1)
  })
})
