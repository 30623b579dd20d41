/**
 * Post text and usernames carrying XSS and template-injection payloads render inert in a real
 * Chromium page, on every path user text takes into the page: inserted live over SSE (board.js, the
 * server-rendered rich text), rendered by the server (Eta auto-escaping, renderRichText), in the edit
 * form's textarea, and as the author's name. Each payload would set `window.__xss` or open a dialog if it
 * ran; the test asserts none did, that no CSP violation was reported (a violation means markup got through
 * and only the CSP stopped it), that each body is exactly renderRichText's output and holds only the
 * elements and attributes of the formatting subset.
 * Hand-picked payloads plus fast-check combinations of dangerous fragments (seed printed on failure).
 */

import { launchChromium } from '@parley/testing'
import { renderRichText } from 'board/src/render/rich-text.js'
import fc from 'fast-check'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { type PageTrap, trappedPage } from '../src/browser.js'
import { PASSWORD, type RunningBoard, Site } from '../src/site.js'
import { EVIL_NAME, HAND_PICKED } from '../src/xss-payloads.js'

const FRAGMENTS = [
  '<',
  '>',
  '"',
  "'",
  '`',
  '&',
  '&amp;',
  '&lt;',
  '&#60;',
  '<script>',
  '</script>',
  ' onerror=',
  'top.__xss=99',
  '<img src=x',
  '<svg/onload=',
  'javascript:',
  '<%=',
  '<%~',
  '%>',
  '{{',
  '}}',
  '${',
  '}',
  '\n',
  '\\',
  '</textarea>',
  '<!--',
  '-->',
  ']]>',
  '\u2028',
  'data:',
  'event: ',
  '\u202e',
  '😀',
  'é',
  ' ',
]

/** Characters a browser would never send back unchanged in text (NUL, other C0 controls). */
function unsendable(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0)!
    return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d
  })
}

function generated(seed: number): string[] {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  )
  const text = fc
    .array(piece, { minLength: 1, maxLength: 12 })
    .map((pieces) => `g ${pieces.join('')}`)
    .filter((value) => !unsendable(value))
  return fc.sample(text, { numRuns: 14, seed })
}

/** What the board stores: browsers' CRLF (and lone CR) become LF. */
function stored(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

let site: Site
let board: RunningBoard
let browser: Browser
const traps: PageTrap[] = []
const seed = Date.now()
const payloads = [...HAND_PICKED, ...generated(seed)]
const ids = new Map<string, number>()

async function signInPage(username: string): Promise<PageTrap> {
  const trap = await trappedPage(browser)
  traps.push(trap)
  await trap.page.goto(`${board.origin}/login`)
  await trap.page.fill('#username', username)
  await trap.page.fill('#password', PASSWORD)
  await trap.page.click('button[type=submit].primary')
  await trap.page.waitForURL(`${board.origin}/`)
  return trap
}

/** Nothing ran, nothing was blocked by the CSP, nothing threw, on any page so far. */
async function expectInert(): Promise<void> {
  const where = `(fast-check seed ${seed})`
  for (const trap of traps) {
    expect(await trap.marker(), `a payload ran ${where}`).toBeUndefined()
    expect(trap.dialogs, `a dialog opened ${where}`).toEqual([])
    expect(await trap.violations(), `markup reached the page and only the CSP stopped it ${where}`).toEqual([])
    expect(trap.pageErrors, where).toEqual([])
    expect(
      trap.console.filter((line) => /Content Security Policy/i.test(line)),
      where,
    ).toEqual([])
  }
  // Template injection would have run in the server, which is this process.
  expect((globalThis as Record<string, unknown>).__xss, `a template ran on the server ${where}`).toBeUndefined()
}

/** An element (name, then attributes as name=value) that the formatting subset of posts may produce. */
const SUBSET_ELEMENT =
  /^(?:p|br|strong|em|code|pre|blockquote|ul|ol|li|ol start=\d+|a href=(?:https?:\/\/|mailto:)\S* rel=nofollow noopener noreferrer)$/

/**
 * Every post shows exactly what renderRichText makes of its text (the same DOM, whether it came from the
 * server's page or live over SSE), and its body holds only the elements and attributes of the formatting subset.
 */
async function expectLiteralPosts(trap: PageTrap): Promise<void> {
  for (const payload of payloads) {
    const id = ids.get(payload)!
    const where = `post ${id} ${JSON.stringify(payload)} (seed ${seed})`
    const seen = await trap.page.locator(`#post-${id} .post-body`).evaluate(
      (body, expected) => {
        // A <template> parses without running anything: the expected DOM, serialised by this browser.
        const template = body.ownerDocument.createElement('template')
        template.innerHTML = expected
        const elements = [...body.querySelectorAll('*')].map((element) =>
          [element.localName, ...[...element.attributes].map((a) => `${a.name}=${a.value}`)].join(' '),
        )
        return { same: template.innerHTML === body.innerHTML, elements }
      },
      renderRichText(stored(payload)),
    )
    expect(seen.same, where).toBe(true)
    for (const element of seen.elements) expect(element, where).toMatch(SUBSET_ELEMENT)
    expect(await trap.page.locator(`#post-${id} .author`).textContent()).toBe(EVIL_NAME)
  }
}

beforeAll(async () => {
  site = await Site.open()
  board = await site.startBoard()
  browser = await launchChromium(site.certs.cert)
  await site.createUser('alice')
  await site.createUser(EVIL_NAME)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

describe('XSS payloads in a real browser', () => {
  let alice: PageTrap

  it('insert inert and literal when they arrive live over SSE', async () => {
    alice = await signInPage('alice')
    await expect.poll(() => alice.page.textContent('#live-status'), { timeout: 15_000 }).toBe('Live')
    const mallory = new BoardClient(board.origin, site.certs.ca)
    expect((await mallory.login(EVIL_NAME, PASSWORD)).status).toBe(303)
    const csrf = await mallory.csrfToken('/')
    for (const payload of payloads) {
      const response = await mallory.post('/posts', { _csrf: csrf, body: payload })
      expect(response.status, JSON.stringify(payload)).toBe(303)
    }
    const posts = await site.storage.posts.listPosts({ limit: 1000 })
    for (const post of posts) ids.set(payloads.find((p) => stored(p) === post.body) ?? '', post.id)
    expect(payloads.every((payload) => ids.has(payload))).toBe(true)
    expect(payloads.length).toBeLessThanOrEqual(50)
    await expect.poll(() => alice.page.locator('#posts .post').count(), { timeout: 15_000 }).toBe(payloads.length)
    await expectLiteralPosts(alice)
    await expectInert()
  })

  it('render inert and literal from the server (Eta auto-escaping, rich text) after a reload', async () => {
    await alice.page.reload()
    await expect.poll(() => alice.page.locator('#posts .post').count()).toBe(payloads.length)
    await expectLiteralPosts(alice)
    // A posted "javascript:" text never became a link anywhere in the page.
    expect(await alice.page.locator('a[href^="javascript:" i]').count()).toBe(0)
    expect(await alice.page.locator('iframe, object, embed, base, meta[http-equiv]').count()).toBe(0)
    await expectInert()
  })

  it('stay literal in the edit form, and survive an edit round trip through the browser', async () => {
    const mallory = await signInPage(EVIL_NAME)
    expect(await mallory.page.textContent('.who')).toContain(EVIL_NAME)
    for (const payload of payloads) {
      const id = ids.get(payload)!
      await mallory.page.goto(`${board.origin}/posts/${id}/edit`)
      expect(await mallory.page.inputValue('#post-body'), JSON.stringify(payload)).toBe(stored(payload))
    }
    // Save one through the real form: what comes back is exactly what was there.
    const target = '</textarea><script>top.__xss=12</script>'
    await mallory.page.goto(`${board.origin}/posts/${ids.get(target)}/edit`)
    await mallory.page.click('button[type=submit].primary')
    await mallory.page.waitForURL(/\/($|#|\?)/)
    expect((await site.storage.posts.getPost(ids.get(target)!))?.body).toBe(target)
    await expectInert()
  })

  it('type a payload into the real composer: stored and shown literally', async () => {
    const typed = '<img src=x onerror=alert(41)>{{7*7}}<%= 7*7 %>'
    await alice.page.goto(`${board.origin}/`)
    await alice.page.fill('#post-body', typed)
    await alice.page.click('form[action="/posts"] button[type=submit]')
    await alice.page.waitForURL(`${board.origin}/`)
    // The two asterisks are Markdown emphasis (`7<em>7}}&lt;%= 7</em>7`); the rest shows as typed, and never as 49.
    await expect.poll(() => alice.page.locator('.post-body').first().textContent()).toBe(typed.replaceAll('*', ''))
    expect(await alice.page.locator('.post-body').first().locator('em').count()).toBe(1)
    expect(await alice.page.content()).not.toContain('>49<')
    await expectInert()
  })
})
