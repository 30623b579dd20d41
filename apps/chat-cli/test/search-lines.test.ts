import { describe, expect, it } from 'vitest'
import { HELP_TEXT, parseCommand } from '../src/commands.js'
import { replyLines } from '../src/render.js'
import { formatDate, MORE_MATCHES_LINE } from '../src/search-lines.js'

describe('search <words>', () => {
  it('parses to a search frame keeping the words, refuses none or too many', () => {
    expect(parseCommand('search  ferry "times" ')).toEqual({
      kind: 'gateway',
      frame: { type: 'search', words: 'ferry "times"' },
    })
    expect(parseCommand('search')).toEqual({ kind: 'invalid', reason: 'invalid-command' })
    expect(parseCommand(`search ${'x'.repeat(501)}`)).toEqual({ kind: 'invalid', reason: 'text-too-long' })
    expect(HELP_TEXT.some((line) => line.includes('search <words>'))).toBe(true)
  })

  it('prints one "date name: text" line per match, sanitised, (escapes shown as text), and a clear line when nothing matched', () => {
    const at = Date.UTC(2026, 2, 4, 9, 15)
    const request = { type: 'search', id: 'r1', words: 'ferry' } as const
    const lines = replyLines(request, {
      type: 'search',
      replyTo: 'r1',
      matches: [
        {
          messageId: 1,
          from: 'hans',
          to: 'greta',
          at,
          excerpt: [
            { text: 'which ', match: false },
            { text: 'ferry', match: true },
            { text: '\u001b[2J?', match: false },
          ],
        },
      ],
      more: true,
    })
    expect(lines.map((line) => line.text)).toEqual([`${formatDate(at)} hans: which ferry^[[2J?`, MORE_MATCHES_LINE])
    const none = replyLines(request, { type: 'search', replyTo: 'r1', matches: [], more: false })
    expect(none.map((line) => line.text)).toEqual(['No messages of yours match "ferry"'])
  })
})
