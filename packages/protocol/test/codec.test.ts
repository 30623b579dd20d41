import { describe, expect, it } from 'vitest'
import { decodeClientMessage, decodePeerMessage, decodeServerMessage, encode } from '../src/codec.js'
import { ErrorCode, ParleyError } from '../src/errors.js'

function badMessage(fn: () => unknown): ParleyError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError)
    expect((error as ParleyError).code).toBe(ErrorCode.BadMessage)
    return error as ParleyError
  }
  throw new Error('expected a PROTO_BAD_MESSAGE error')
}

describe('decodeClientMessage', () => {
  it('accepts every well-formed request', () => {
    const frames = [
      { type: 'lookup', id: 'a1', username: 'hans' },
      { type: 'login', id: 'a2', v: 1, username: 'hans', password: 'secret', create: true },
      { type: 'resume', id: 'a3', v: 1, token: 'tok' },
      { type: 'resume', id: 'a3', v: 1 },
      { type: 'whoelse', id: 'a4' },
      { type: 'whoelsesince', id: 'a5', seconds: 60 },
      { type: 'message', id: 'm-1', to: 'yoda', text: 'hello there' },
      { type: 'broadcast', id: 'b_1', text: 'hi all' },
      { type: 'block', id: 'c', user: 'luke' },
      { type: 'unblock', id: 'c', user: 'luke' },
      { type: 'received', ids: [1, 2, 3] },
      { type: 'history', id: 'h', with: 'yoda', limit: 50 },
      { type: 'startprivate', id: 'p', user: 'luke' },
      { type: 'private_answer', id: 'q', requestId: 'p', accept: false },
      { type: 'logout', id: 'z' },
    ]
    for (const frame of frames) expect(decodeClientMessage(JSON.stringify(frame))).toEqual(frame)
  })

  it('refuses text that is not JSON', () => {
    expect(badMessage(() => decodeClientMessage('{nope')).message).toMatch(/not valid JSON/)
  })

  it('refuses unknown types, missing fields, wrong types and extra keys', () => {
    badMessage(() => decodeClientMessage('{"type":"shout","id":"a"}'))
    badMessage(() => decodeClientMessage('{"type":"message","id":"a","to":"yoda"}'))
    badMessage(() => decodeClientMessage('{"type":"whoelsesince","id":"a","seconds":"60"}'))
    badMessage(() => decodeClientMessage('{"type":"whoelse","id":"a","admin":true}'))
    badMessage(() => decodeClientMessage('[]'))
    badMessage(() => decodeClientMessage('null'))
  })

  it('names the frame type and the failing field', () => {
    const error = badMessage(() => decodeClientMessage('{"type":"message","id":"a","to":"yoda","text":""}'))
    expect(error.message).toContain("'message'")
    expect(error.message).toContain('/text')
  })

  it('refuses empty and oversized text and bad ids', () => {
    badMessage(() => decodeClientMessage(JSON.stringify({ type: 'broadcast', id: 'a', text: 'x'.repeat(2001) })))
    badMessage(() => decodeClientMessage(JSON.stringify({ type: 'broadcast', id: 'has space', text: 'x' })))
    badMessage(() =>
      decodeClientMessage(JSON.stringify({ type: 'login', id: 'a', v: 2, username: 'u', password: 'p' })),
    )
  })

  it('refuses prototype keys instead of carrying them', () => {
    badMessage(() => decodeClientMessage('{"type":"whoelse","id":"a","__proto__":{"admin":true}}'))
    badMessage(() => decodeClientMessage('{"type":"whoelse","id":"a","constructor":{"prototype":{}}}'))
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })
})

describe('server and peer frames', () => {
  it('round-trips events through encode and decode', () => {
    const event = { type: 'message', messageId: 7, from: 'hans', text: 'hi', at: 1, offline: false } as const
    expect(decodeServerMessage(encode(event))).toEqual(event)
    const peer = { type: 'private', text: 'psst' } as const
    expect(decodePeerMessage(encode(peer))).toEqual(peer)
  })

  it('refuses a malformed server frame', () => {
    badMessage(() => decodeServerMessage('{"type":"presence","user":"x","state":"away","at":1}'))
  })

  it("carries a message sent from the user's other device, and refuses one without its recipient", () => {
    const sent = { type: 'sent', messageId: 8, to: 'luke', text: 'from my phone', at: 2 } as const
    expect(decodeServerMessage(encode(sent))).toEqual(sent)
    badMessage(() => decodeServerMessage('{"type":"sent","messageId":8,"text":"x","at":2}'))
  })
})
