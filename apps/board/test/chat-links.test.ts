/** Links in browser chat messages (public/chat-links.js): which addresses become links, tested in Node. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linkSegments } from '../public/chat-links.js'

describe('linkSegments', () => {
  it('links http and https addresses, leaving sentence punctuation outside', () => {
    expect(linkSegments('see https://example.com/a?b=1&c=2. ok')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1&c=2', href: 'https://example.com/a?b=1&c=2' },
      { text: '. ok' },
    ])
    expect(linkSegments('(http://example.com)')).toEqual([
      { text: '(' },
      { text: 'http://example.com', href: 'http://example.com/' },
      { text: ')' },
    ])
  })

  it('keeps a closing bracket that belongs to the address', () => {
    expect(linkSegments('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual([
      { text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
    ])
  })

  it('links mail addresses, bare or with mailto:', () => {
    expect(linkSegments('write to ann@example.com!')).toEqual([
      { text: 'write to ' },
      { text: 'ann@example.com', href: 'mailto:ann@example.com' },
      { text: '!' },
    ])
    expect(linkSegments('mailto:bob@example.org')).toEqual([
      { text: 'mailto:bob@example.org', href: 'mailto:bob@example.org' },
    ])
  })

  it('never links other schemes or markup', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'ftp://example.com',
      '<a href="javascript:alert(1)">x</a>',
      'file:///etc/passwd',
      'plain words',
    ]) {
      expect(
        linkSegments(text).filter((segment) => 'href' in segment),
        text,
      ).toEqual([])
    }
  })

  it('gives the text back unchanged, with only http/https/mailto links, for any text', () => {
    const pieces = fc.constantFrom(
      'http://',
      'https://',
      'mailto:',
      'a@b.co',
      'javascript:',
      '.',
      ')',
      '(',
      ' ',
      '<',
      '"',
      'x.example',
      '/',
    )
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 5 })), { maxLength: 20 }), (parts) => {
        const text = parts.join('')
        const segments = linkSegments(text)
        expect(segments.map((segment) => segment.text).join('')).toBe(text)
        for (const segment of segments) {
          if ('href' in segment) expect(segment.href).toMatch(/^(?:https?:\/\/|mailto:)/)
        }
      }),
      { numRuns: 1000 },
    )
  })
})
