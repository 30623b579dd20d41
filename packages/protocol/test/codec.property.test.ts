/**
 * Property-based tests of the decoders (fast-check, bounded runs): whatever text arrives, a decoder
 * either returns a frame or throws a `ParleyError` with code PROTO_BAD_MESSAGE, never anything else;
 * a frame it accepts re-encodes to the same JSON; prototype keys are never accepted or applied.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeClientMessage, decodePeerMessage, decodeServerMessage, encode } from '../src/codec.js'
import { ErrorCode, ParleyError } from '../src/errors.js'
import { MAX_TEXT_LENGTH } from '../src/fields.js'

const RUNS = { numRuns: 400 }
const decoders = { client: decodeClientMessage, server: decodeServerMessage, peer: decodePeerMessage } as const

type Outcome = { accepted: true; frame: unknown } | { accepted: false }

/** Decodes, failing the property on any throw that is not PROTO_BAD_MESSAGE. */
function attempt(decode: (raw: string) => unknown, raw: string): Outcome {
  try {
    return { accepted: true, frame: decode(raw) }
  } catch (error) {
    if (!(error instanceof ParleyError) || error.code !== ErrorCode.BadMessage) {
      throw new Error(`decoder threw ${String(error)} for ${JSON.stringify(raw)}`, { cause: error })
    }
    expect(error.message.length).toBeGreaterThan(0)
    return { accepted: false }
  }
}

/** An accepted frame re-encodes to the JSON it was read from (modulo whitespace/escapes), and stays stable. */
function checkReencodes(decode: (raw: string) => unknown, raw: string, frame: unknown): void {
  const encoded = encode(frame as Parameters<typeof encode>[0])
  expect(encoded).toBe(JSON.stringify(JSON.parse(raw)))
  expect(encode(decode(encoded) as Parameters<typeof encode>[0])).toBe(encoded)
}

const clientId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)
const username = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 })
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 })
const messageId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
const fingerprint = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 32, maxLength: 32 })
  .map((bytes) => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':'))

/** Every well-formed client frame, with arbitrary field contents inside the limits. */
const validClientFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('lookup'), id: clientId, username }),
  fc.record(
    { type: fc.constant('login'), id: clientId, v: fc.constant(1), username, password: text, create: fc.boolean() },
    { requiredKeys: ['type', 'id', 'v', 'username', 'password'] },
  ),
  fc.record(
    {
      type: fc.constant('resume'),
      id: clientId,
      v: fc.constant(1),
      token: fc.string({ minLength: 1, maxLength: 128 }),
    },
    { requiredKeys: ['type', 'id', 'v'] },
  ),
  fc.record({ type: fc.constant('whoelse'), id: clientId }),
  fc.record({ type: fc.constant('whoelsesince'), id: clientId, seconds: fc.integer({ min: 0, max: 315_360_000 }) }),
  fc.record({ type: fc.constant('message'), id: clientId, to: username, text }),
  fc.record({ type: fc.constant('broadcast'), id: clientId, text }),
  fc.record({ type: fc.constantFrom('block', 'unblock', 'startprivate'), id: clientId, user: username }),
  fc.record({ type: fc.constant('received'), ids: fc.array(messageId, { minLength: 1, maxLength: 20 }) }),
  fc.record(
    {
      type: fc.constant('history'),
      id: clientId,
      with: username,
      before: messageId,
      limit: fc.integer({ min: 1, max: 200 }),
    },
    { requiredKeys: ['type', 'id', 'with'] },
  ),
  fc.record(
    {
      type: fc.constant('private_answer'),
      id: clientId,
      requestId: clientId,
      accept: fc.boolean(),
      endpoint: fc.record({
        port: fc.integer({ min: 1, max: 65535 }),
        hosts: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        fingerprint,
      }),
    },
    { requiredKeys: ['type', 'id', 'requestId', 'accept'] },
  ),
  fc.record({ type: fc.constant('logout'), id: clientId }),
)

/** A valid frame with one change: a key dropped, a value replaced by any JSON, or a key added. */
const mutatedClientFrame: fc.Arbitrary<string> = fc
  .tuple(
    validClientFrame,
    fc.nat(),
    fc.constantFrom('drop', 'replace', 'add'),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('extra', '__proto__', 'constructor', 'prototype', 'id', 'type', 'text', ''),
  )
  .map(([frame, index, how, value, extraKey]) => {
    const keys = Object.keys(frame)
    const key = keys[index % keys.length]!
    const copy: Record<string, unknown> = { ...frame }
    if (how === 'drop') delete copy[key]
    else if (how === 'replace') copy[key] = value
    // Written as text: an object literal's `__proto__` would set the prototype instead of a key.
    else return `${JSON.stringify(copy).slice(0, -1)},${JSON.stringify(extraKey)}:${JSON.stringify(value)}}`
    return JSON.stringify(copy)
  })

describe('decoders on arbitrary input', () => {
  it('throw nothing but PROTO_BAD_MESSAGE on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        for (const decode of Object.values(decoders)) {
          const outcome = attempt(decode, raw)
          if (outcome.accepted) checkReencodes(decode, raw, outcome.frame)
        }
      }),
      RUNS,
    )
  })

  it('throw nothing but PROTO_BAD_MESSAGE on arbitrary JSON (any value, any object shape)', () => {
    const objectWithType = fc
      .tuple(
        fc.constantFrom('lookup', 'login', 'message', 'received', 'welcome', 'ack', 'hello', 'private', 'x'),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
      )
      .map(([type, rest]) => JSON.stringify({ ...rest, type }))
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 3 }), objectWithType), (raw) => {
        for (const decode of Object.values(decoders)) {
          const outcome = attempt(decode, raw)
          if (outcome.accepted) checkReencodes(decode, raw, outcome.frame)
        }
      }),
      RUNS,
    )
  })

  it('accept every well-formed client frame and re-encode it byte for byte', () => {
    fc.assert(
      fc.property(validClientFrame, (frame) => {
        const raw = JSON.stringify(frame)
        const outcome = attempt(decodeClientMessage, raw)
        expect(outcome.accepted).toBe(true)
        if (outcome.accepted) {
          expect(encode(outcome.frame as Parameters<typeof encode>[0])).toBe(raw)
          expect(outcome.frame).toEqual(frame)
        }
      }),
      RUNS,
    )
  })

  it('on one-field mutations of valid frames: accept only schema-conforming frames, with no foreign keys', () => {
    fc.assert(
      fc.property(mutatedClientFrame, (raw) => {
        const outcome = attempt(decodeClientMessage, raw)
        if (!outcome.accepted) return
        checkReencodes(decodeClientMessage, raw, outcome.frame)
        const frame = outcome.frame as Record<string, unknown>
        for (const key of ['extra', '__proto__', 'constructor', 'prototype', '']) {
          expect(Object.hasOwn(frame, key)).toBe(false)
        }
        expect(Object.getPrototypeOf(frame)).toBe(Object.prototype)
      }),
      { numRuns: 1000 },
    )
    // Nothing above reached the shared prototype.
    expect(Object.keys(Object.prototype)).toEqual([])
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('count text limits in code points: 2000 astral characters pass, 2001 do not', () => {
    fc.assert(
      fc.property(fc.constantFrom('😀', '𝔸', 'a', 'é', '\u0000', '\ud800'), (char) => {
        const at = (n: number) => JSON.stringify({ type: 'broadcast', id: 'b', text: char.repeat(n) })
        expect(attempt(decodeClientMessage, at(MAX_TEXT_LENGTH)).accepted).toBe(true)
        expect(attempt(decodeClientMessage, at(MAX_TEXT_LENGTH + 1)).accepted).toBe(false)
      }),
    )
  })

  it('survive deeply nested and very long JSON without a stack overflow or other error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        // Depth 1 of '[' is the valid `ids: [1]`; anything deeper is refused.
        const close = open === '[' ? ']' : '}'
        const raw = `{"type":"received","ids":${open.repeat(depth)}1${close.repeat(depth)}}`
        for (const decode of Object.values(decoders)) expect(attempt(decode, raw).accepted).toBe(false)
      }),
      { numRuns: 50 },
    )
  })
})
