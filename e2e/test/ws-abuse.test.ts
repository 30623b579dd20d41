/**
 * Malformed WebSocket traffic against a real gateway (real TLS, real SQLite): every abuse comes from
 * its own signed-in account on a hand-made socket, gets the right reply or close code, and after
 * each one two bystanders still exchange a message both ways. The gateway's own tests cover the
 * same codes through the `ws` client API (apps/chat-gateway/test/abuse.test.ts); these send raw frames.
 */
import { ErrorCode, MAX_FRAME_BYTES } from '@parley/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatClient, proveService } from '../src/chat-client.js'
import { encodeFrame, Opcode, RawWebSocket } from '../src/raw-websocket.js'
import { type SeededUser, seedUsers } from '../src/seed.js'
import { PASSWORD, type RunningGateway, Site } from '../src/site.js'

let site: Site
let gw: RunningGateway
let alice: ChatClient
let bob: ChatClient
/** Accounts with live sessions for the abusers (seeded: no argon2 run per abuse). */
let abusers: SeededUser[] = []
let exchanges = 0

beforeAll(async () => {
  site = await Site.open()
  gw = await site.startGateway()
  for (const name of ['alice', 'bob']) await site.createUser(name)
  abusers = await seedUsers(
    site.storage,
    Array.from({ length: 120 }, (_, i) => `mallory${i}`),
    PASSWORD,
  )
  alice = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  await alice.login('alice', PASSWORD)
  bob = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  await bob.login('bob', PASSWORD)
})

afterAll(async () => {
  alice?.terminate()
  bob?.terminate()
  await site?.close()
})

/** A fresh account signed in (token resume) on a raw socket. */
async function signedInRaw(): Promise<RawWebSocket> {
  const abuser = abusers.shift()
  if (!abuser) throw new Error('out of seeded abuser accounts')
  const raw = await RawWebSocket.connect(gw.gateway.port, site.certs.ca)
  raw.sendText(JSON.stringify({ type: 'resume', id: 'in', v: 1, token: abuser.token }))
  await raw.waitForJson((frame) => frame.type === 'welcome')
  return raw
}

/** The bystanders still get service, both ways, and every frame they got matched the protocol. */
async function bystandersServed(): Promise<void> {
  exchanges += 1
  await proveService(alice, bob, 'bob', `ping ${exchanges}`)
  await proveService(bob, alice, 'alice', `pong ${exchanges}`)
  expect(alice.isOpen && bob.isOpen).toBe(true)
  expect([...alice.invalid, ...bob.invalid]).toEqual([])
}

const big = (n: number) => Buffer.alloc(n, 0x61)
const jsonOf = (text: string) => Buffer.from(text, 'utf8')

describe('frames that end the connection with the RFC 6455 close code', () => {
  const cases: [string, number, (raw: RawWebSocket) => void][] = [
    [
      'a binary frame',
      1003,
      (raw) => raw.send({ opcode: Opcode.Binary, payload: jsonOf('{"type":"whoelse","id":"b"}') }),
    ],
    ['one frame over 64 KiB', 1009, (raw) => raw.send({ opcode: Opcode.Text, payload: big(MAX_FRAME_BYTES + 1) })],
    [
      'a header announcing a 2^53-byte payload',
      1009,
      (raw) => raw.write(Buffer.from([0x81, 0xff, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])),
    ],
    [
      'invalid UTF-8 in a text frame',
      1007,
      (raw) => raw.send({ opcode: Opcode.Text, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }),
    ],
    [
      'an overlong UTF-8 encoding of "/" (C0 AF)',
      1007,
      (raw) => raw.send({ opcode: Opcode.Text, payload: Buffer.from([0x22, 0xc0, 0xaf, 0x22]) }),
    ],
    [
      'a UTF-16 surrogate encoded in UTF-8 (ED A0 80)',
      1007,
      (raw) => raw.send({ opcode: Opcode.Text, payload: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]) }),
    ],
    [
      'invalid UTF-8 split across two fragments',
      1007,
      (raw) => {
        raw.send({ opcode: Opcode.Text, fin: false, payload: Buffer.from([0x22, 0xe2, 0x82]) })
        raw.send({ opcode: Opcode.Continuation, fin: true, payload: Buffer.from([0x28, 0x22]) })
      },
    ],
    [
      'a flood of 1 KiB continuation frames past 64 KiB',
      1009,
      (raw) => {
        raw.send({ opcode: Opcode.Text, fin: false, payload: big(1024) })
        const chunk = encodeFrame({ opcode: Opcode.Continuation, fin: false, payload: big(1024) })
        raw.write(Buffer.concat(Array.from({ length: 200 }, () => chunk)))
      },
    ],
    [
      'a flood of 20 000 empty continuation frames',
      1008,
      (raw) => {
        raw.send({ opcode: Opcode.Text, fin: false, payload: '{' })
        const empty = encodeFrame({ opcode: Opcode.Continuation, fin: false })
        raw.write(Buffer.concat(Array.from({ length: 20_000 }, () => empty)))
      },
    ],
    ['an unmasked client frame', 1002, (raw) => raw.send({ opcode: Opcode.Text, mask: false, payload: '{}' })],
    ['a reserved opcode (0x3)', 1002, (raw) => raw.send({ opcode: 0x3, payload: '{}' })],
    ['a reserved control opcode (0xB)', 1002, (raw) => raw.send({ opcode: 0xb })],
    [
      'RSV1 set without a negotiated extension',
      1002,
      (raw) => raw.send({ opcode: Opcode.Text, rsv: 4, payload: '{}' }),
    ],
    ['a ping with a 126-byte payload', 1002, (raw) => raw.send({ opcode: Opcode.Ping, payload: big(126) })],
    ['a fragmented ping', 1002, (raw) => raw.send({ opcode: Opcode.Ping, fin: false, payload: 'x' })],
    [
      'a continuation frame with nothing to continue',
      1002,
      (raw) => raw.send({ opcode: Opcode.Continuation, payload: '{}' }),
    ],
    [
      'a new text frame inside a fragmented message',
      1002,
      (raw) => {
        raw.send({ opcode: Opcode.Text, fin: false, payload: '{"type":' })
        raw.send({ opcode: Opcode.Text, payload: '"whoelse"}' })
      },
    ],
    [
      'a close frame with a reserved code (1005)',
      1002,
      (raw) => raw.send({ opcode: Opcode.Close, payload: Buffer.from([0x03, 0xed]) }),
    ],
    [
      'a close frame with a 1-byte payload',
      1002,
      (raw) => raw.send({ opcode: Opcode.Close, payload: Buffer.from([0x03]) }),
    ],
  ]

  it.each(cases)('%s → %i, and the others keep being served', async (_name, code, abuse) => {
    const raw = await signedInRaw()
    abuse(raw)
    expect(await raw.waitClosed()).toBe(code)
    await bystandersServed()
  })

  it('answers pings inside a fragmented message and assembles the message (no false positive)', async () => {
    const raw = await signedInRaw()
    raw.send({ opcode: Opcode.Text, fin: false, payload: '{"type":"whoe' })
    raw.send({ opcode: Opcode.Ping, payload: 'still here' })
    raw.send({ opcode: Opcode.Continuation, fin: false, payload: 'lse",' })
    raw.send({ opcode: Opcode.Continuation, fin: true, payload: '"id":"frag"}' })
    expect(await raw.waitForJson((frame) => frame.replyTo === 'frag')).toMatchObject({ type: 'users' })
    raw.destroy()
    await bystandersServed()
  })
})

describe('frames that get an error reply on a connection that stays open', () => {
  const cases: [string, string][] = [
    ['text that is not JSON', '{"type": "message", oops'],
    ['JSON that is not an object', '[1,2,3]'],
    ['an unknown type', '{"type":"sudo","id":"x1"}'],
    ['a missing field', '{"type":"message","id":"x2","to":"bob"}'],
    ['a field of the wrong type', '{"type":"whoelsesince","id":"x3","seconds":"all"}'],
    ['an extra field', '{"type":"whoelse","id":"x4","admin":true}'],
    ['a __proto__ key', '{"type":"whoelse","id":"x5","__proto__":{"admin":true,"polluted":1}}'],
    [
      'a constructor.prototype key',
      '{"type":"broadcast","id":"x6","text":"hi","constructor":{"prototype":{"polluted":1}}}',
    ],
    [
      'a __proto__ key inside a field',
      '{"type":"private_answer","id":"x7","requestId":"r","accept":true,"endpoint":{"__proto__":{"port":1}}}',
    ],
    ['a __proto__ type', '{"type":"__proto__","id":"x8"}'],
    ['a type of "constructor"', '{"type":"constructor","id":"x9"}'],
    ['a type of "hasOwnProperty"', '{"type":"hasOwnProperty","id":"x10"}'],
    ['an id with a NUL', '{"type":"whoelse","id":"a\\u0000b"}'],
    ['a 1e400 number', '{"type":"whoelsesince","id":"x11","seconds":1e400}'],
    ['a lone surrogate escaped in JSON', '{"type":"lookup","id":"x12","username":"\\ud800"}'],
  ]

  it.each(cases)('%s → PROTO_BAD_MESSAGE (or a field error), still connected', async (_name, text) => {
    const raw = await signedInRaw()
    const before = raw.texts.length
    raw.sendText(text)
    const reply = await raw.waitForJson((frame) => frame.type === 'error' || frame.type === 'lookup')
    if (reply.type === 'error') expect(reply.code).toMatch(/^(PROTO_BAD_MESSAGE|AUTH_USERNAME_BAD_CHARACTERS)$/)
    expect(raw.texts.length).toBeGreaterThan(before)
    // Still served on the same connection.
    raw.sendText('{"type":"whoelse","id":"after"}')
    expect(await raw.waitForJson((frame) => frame.replyTo === 'after')).toMatchObject({ type: 'users' })
    raw.destroy()
    // Nothing reached the shared prototype of the process the gateway runs in.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
    await bystandersServed()
  })

  it('survives huge but valid numbers in ids (received, history)', async () => {
    const raw = await signedInRaw()
    raw.sendText('{"type":"received","ids":[1e300, 9007199254740993]}')
    raw.sendText('{"type":"history","id":"h","with":"alice","before":1e300,"limit":5}')
    const reply = await raw.waitForJson((frame) => frame.replyTo === 'h')
    expect(['history', 'error']).toContain(reply.type)
    if (reply.type === 'error') expect(reply.code).not.toBe(ErrorCode.Internal)
    raw.sendText('{"type":"whoelse","id":"after"}')
    expect(await raw.waitForJson((frame) => frame.replyTo === 'after')).toMatchObject({ type: 'users' })
    raw.destroy()
    await bystandersServed()
  })
})

describe('random bytes after the upgrade', () => {
  it('never take the gateway down: whatever 40 random streams do, the others are served', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.boolean(), async (bytes, signedIn) => {
        const raw = signedIn ? await signedInRaw() : await RawWebSocket.connect(gw.gateway.port, site.certs.ca)
        raw.write(Buffer.from(bytes))
        // Either the gateway closes it, or it waits for the rest of a frame / answers: both fine.
        raw.destroy()
        await bystandersServed()
      }),
      { numRuns: 40 },
    )
    expect(gw.logs.text()).not.toMatch(/"level":(50|60)/)
  })
})
