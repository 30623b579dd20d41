/**
 * Post bodies rendered as rich text (board/src/render/rich-text.ts) never carry markup beyond the formatting
 * subset: for every payload of the shared XSS list, and for strings fast-check builds from dangerous fragments
 * and Markdown syntax, the HTML holds only the allowed tags, each with only its allowed attributes, links only
 * to http/https/mailto with the fixed rel, and no `<` outside those tags. (The browser test in
 * xss.browser.test.ts shows the same payloads are inert in a real page.)
 */
import { renderRichText } from 'board/src/render/rich-text.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HAND_PICKED } from '../src/xss-payloads.js'

const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  p: [],
  br: [],
  strong: [],
  em: [],
  code: [],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  a: ['href', 'rel', 'class'],
}
const TAG = /<(\/?)([a-zA-Z0-9]+)((?:\s+[^\s=/>]+="[^"<>]*")*)\s*(\/?)>/g
const ATTRIBUTE = /\s+([^\s=/>]+)="([^"<>]*)"/g

/** The reasons `html` is not within the subset; empty when it is. */
function problems(html: string): string[] {
  const found: string[] = []
  for (const [, closing, name = '', attributes = ''] of html.matchAll(TAG)) {
    const tag = name.toLowerCase()
    const allowed = ALLOWED_ATTRIBUTES[tag]
    if (!allowed) {
      found.push(`tag <${tag}>`)
      continue
    }
    if (closing && attributes) found.push(`attributes on </${tag}>`)
    const seen = new Map<string, string>()
    for (const [, attribute = '', value = ''] of attributes.matchAll(ATTRIBUTE)) {
      if (!allowed.includes(attribute)) found.push(`attribute ${attribute} on <${tag}>`)
      seen.set(attribute, value)
    }
    // A mention (render/mentions.ts): exactly class="mention" and a percent-encoded path to a user's page.
    const mention =
      seen.get('class') === 'mention' && /^\/users\/[A-Za-z0-9%._-]+$/.test(seen.get('href') ?? '') && !seen.has('rel')
    if (tag === 'a' && !closing && !mention) {
      if (seen.has('class')) found.push(`class ${seen.get('class')} on <a>`)
      if (!/^(?:https?:\/\/|mailto:)/i.test(seen.get('href') ?? '')) found.push(`href ${seen.get('href')}`)
      if (seen.get('rel') !== 'nofollow noopener noreferrer') found.push(`rel ${seen.get('rel')}`)
    }
    if (tag === 'ol' && seen.has('start') && !/^\d+$/.test(seen.get('start') ?? '')) found.push('ol start')
  }
  // With the allowed tags taken out, any `<` left would be markup of another kind (or a broken tag).
  if (html.replace(TAG, '').includes('<')) found.push('a "<" outside the allowed tags')
  return found
}

const FRAGMENTS = [
  '<',
  '>',
  '"',
  "'",
  '`',
  '```',
  '&',
  '&lt;',
  '&#60;',
  '&#x3C;',
  '<script>',
  '</script>',
  ' onerror=',
  'top.__xss=99',
  '<img src=x',
  '<svg/onload=',
  'javascript:',
  'JaVaScRiPt:',
  'data:text/html,',
  '\n',
  '\n\n',
  '\\',
  '<!--',
  '-->',
  '[',
  ']',
  '(',
  ')',
  '](',
  '![',
  '*',
  '**',
  '_',
  '> ',
  '- ',
  '1. ',
  '# ',
  '    ',
  'http://',
  'https://x.example',
  'mailto:',
  '@',
  '.com',
  '<http://',
  '"onmouseover="',
  '%22',
  '\u2028',
  '\u202e',
  'é',
  ' ',
]

describe('renderRichText keeps to its subset', () => {
  it('the checker itself rejects markup outside the subset', () => {
    expect(problems('<p>ok <a href="https://x.example" rel="nofollow noopener noreferrer">x</a></p>')).toEqual([])
    expect(problems('<img src=x onerror=y>')).not.toEqual([])
    expect(problems('<p onclick="x">a</p>')).not.toEqual([])
    expect(problems('<a href="javascript:x" rel="nofollow noopener noreferrer">a</a>')).not.toEqual([])
    expect(problems('<a href="https://x.example">a</a>')).not.toEqual([])
    expect(problems('<p>a <b</p>')).not.toEqual([])
  })

  it('for every payload of the XSS list, alone and inside Markdown', () => {
    for (const payload of HAND_PICKED) {
      for (const text of [
        payload,
        `**${payload}**`,
        `> ${payload}`,
        `- ${payload}`,
        `[${payload}](https://x.example)`,
        `[x](${payload})`,
        `\`${payload}\``,
        `\`\`\`\n${payload}\n\`\`\``,
      ]) {
        expect(problems(renderRichText(text)), JSON.stringify(text)).toEqual([])
      }
    }
  })

  it('for strings built from dangerous fragments and Markdown syntax', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })), { maxLength: 30 }),
        (parts) => {
          const text = parts.join('')
          expect(problems(renderRichText(text)), JSON.stringify(text)).toEqual([])
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('for any string at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(problems(renderRichText(text)), JSON.stringify(text)).toEqual([])
      }),
      { numRuns: 1000 },
    )
  })
})
