import { describe, expect, it } from 'vitest'
import { decodeClientMessage, decodeServerMessage, encode } from '../src/codec.js'
import { MAX_SEARCH_LENGTH, MAX_SEARCH_PAGE } from '../src/search.js'
import type { ServerMessageOf } from '../src/server-messages.js'

describe('search frames', () => {
  it('accepts a search of any words, with an optional page', () => {
    for (const frame of [
      { type: 'search', id: 's1', words: 'ferry' },
      { type: 'search', id: 's2', words: '', limit: MAX_SEARCH_PAGE, offset: 0 },
      { type: 'search', id: 's3', words: '"NEAR( AND * 🙂', limit: 1, offset: 20 },
      { type: 'search', id: 's4', words: 'x'.repeat(MAX_SEARCH_LENGTH) },
    ]) {
      expect(decodeClientMessage(JSON.stringify(frame))).toEqual(frame)
    }
  })

  it('refuses a search too long, a bad page, a missing id or an extra key', () => {
    for (const frame of [
      { type: 'search', id: 's', words: 'x'.repeat(MAX_SEARCH_LENGTH + 1) },
      { type: 'search', id: 's', words: 'a', limit: 0 },
      { type: 'search', id: 's', words: 'a', limit: MAX_SEARCH_PAGE + 1 },
      { type: 'search', id: 's', words: 'a', offset: -1 },
      { type: 'search', words: 'a' },
      { type: 'search', id: 's', words: 'a', all: true },
    ]) {
      expect(() => decodeClientMessage(JSON.stringify(frame)), JSON.stringify(frame).slice(0, 60)).toThrow()
    }
  })

  it('round-trips a reply with plain-text excerpt parts', () => {
    const reply: ServerMessageOf<'search'> = {
      type: 'search',
      replyTo: 's1',
      matches: [
        {
          messageId: 7,
          from: 'hans',
          to: 'greta',
          at: 1_700_000_000_000,
          excerpt: [
            { text: 'which ', match: false },
            { text: 'ferry', match: true },
          ],
        },
      ],
      more: false,
    }
    expect(decodeServerMessage(encode(reply))).toEqual(reply)
    expect(() => decodeServerMessage(JSON.stringify({ ...reply, matches: [{ messageId: 7 }] }))).toThrow()
  })
})
