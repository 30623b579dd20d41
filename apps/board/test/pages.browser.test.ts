/**
 * Every page of the board, looked at in Chromium in the light and the dark colour scheme, at a desktop and a
 * phone width: axe-core's checks (contrast, names, labels, landmarks…) find no serious or critical violation,
 * no button or link is drawn in (nearly) the colour of its own background,
 * nothing the page loads answers with an error (no /favicon.ico 404), and a screenshot of each is saved in
 * test-results/pages/<page>-<scheme>-<width>.png for a reviewer.
 *
 * ONE list of pages (PAGES below): a new page is added there, with who looks at it and how to reach it.
 * The site is the real board and chat gateway (chat-site.ts) with a few posts, a report and a chat message.
 */
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { launchChromium } from '@parley/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChatSite, PASSWORD, startChatSite } from './chat-site.js'
import {
  newCheckContext,
  PAGE_SCREENSHOTS,
  SCHEMES,
  type Scheme,
  seriousViolations,
  unreadableControls,
  type Violation,
  WIDTHS,
  type Width,
} from './page-checks.js'
import { REPO_MEDIA } from './support.js'

/** What the seed made, for the pages' paths. */
interface Seeded {
  /** alice's post, in every formatting of the subset. */
  alicePost: number
  /** bob's post (alice may report it, the admin moderate it), with two replies. */
  bobPost: number
  /** alice's reply to bob's post. */
  reply: number
}

type Viewer = 'visitor' | 'alice' | 'admin'

interface PageCase {
  /** Names the screenshots: `<name>-<scheme>-<width>.png`. */
  name: string
  as: Viewer
  path: (seeded: Seeded) => string
  /** The status the page answers with (default 200). */
  status?: number
  /** Brings the page into the state to check (waits for live parts, opens a conversation…). */
  act?: (page: Page) => Promise<void>
}

const PAGES: PageCase[] = [
  { name: 'login', as: 'visitor', path: () => '/login' },
  { name: 'register', as: 'visitor', path: () => '/register' },
  { name: 'media-visitor', as: 'visitor', path: () => '/media' },
  { name: 'not-found', as: 'visitor', path: () => '/no-such-page', status: 404 },
  { name: 'board', as: 'alice', path: () => '/', act: (page) => onlineAs(page, 'alice') },
  { name: 'chat', as: 'alice', path: () => '/chat', act: openConversationWithBob },
  { name: 'media', as: 'alice', path: () => '/media' },
  { name: 'account', as: 'alice', path: () => '/account' },
  { name: 'edit', as: 'alice', path: (seeded) => `/posts/${seeded.alicePost}/edit` },
  { name: 'report', as: 'alice', path: (seeded) => `/posts/${seeded.bobPost}/report` },
  { name: 'post', as: 'alice', path: (seeded) => `/posts/${seeded.bobPost}`, act: waitForLive },
  { name: 'post-quote', as: 'alice', path: (seeded) => `/posts/${seeded.bobPost}?quote=${seeded.reply}` },
  { name: 'search', as: 'alice', path: () => '/search?q=hello' },
  { name: 'notifications', as: 'alice', path: () => '/notifications' },
  { name: 'user', as: 'alice', path: () => '/users/bob' },
  { name: 'board-admin', as: 'admin', path: () => '/' },
  { name: 'admin-reports', as: 'admin', path: () => '/admin/reports' },
  { name: 'admin-users', as: 'admin', path: () => '/admin/users' },
  { name: 'admin-audit', as: 'admin', path: () => '/admin/audit' },
  { name: 'moderate', as: 'admin', path: (seeded) => `/posts/${seeded.bobPost}/moderate` },
]

const WAIT = 15_000
const RICH_POST = [
  '**Welcome** to *Parley*, with `inline code` and a link: https://example.com/docs',
  '',
  '> A quote from someone',
  '',
  '- first point',
  '- second point',
  '',
  '1. one',
  '2. two',
  '',
  '```',
  'const hello = "world"',
  '```',
].join('\n')
const CHAT_WITH_LINKS = 'See https://example.com/docs, or write to help@example.com'

let site: ChatSite
let browser: Browser
let seeded: Seeded
const signedIn = new Map<Viewer, Awaited<ReturnType<BrowserContext['storageState']>> | undefined>()
const contexts = new Map<string, BrowserContext>()

async function onlineAs(page: Page, username: string): Promise<void> {
  await page
    .locator('[data-role="status"]', { hasText: `Online as ${username}` })
    .first()
    .waitFor()
}

/** The post page's live status shows once its event stream is open. */
async function waitForLive(page: Page): Promise<void> {
  await page.locator('#live-status', { hasText: 'Live' }).waitFor()
}

async function openConversationWithBob(page: Page): Promise<void> {
  await onlineAs(page, 'alice')
  const bob = page.locator('.chat-sidebar li.chat-contact', {
    has: page.locator('.chat-contact-name', { hasText: 'bob' }),
  })
  await bob.locator('[data-action="open"]').click()
  await page.locator('[data-role="messages"] .chat-message', { hasText: 'example.com' }).waitFor()
}

async function userId(username: string): Promise<number> {
  const user = await site.board.storage.users.getUserByKey(site.board.auth.normalizeUsername(username).usernameKey)
  if (!user) throw new Error(`no user ${username}`)
  return user.id
}

async function storageStateOf(viewer: Viewer) {
  if (viewer === 'visitor') return undefined
  if (!signedIn.has(viewer)) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${site.boardOrigin}/login`)
    await page.fill('#username', viewer)
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit].primary')
    await page.waitForURL(`${site.boardOrigin}/`)
    signedIn.set(viewer, await context.storageState())
    await context.close()
  }
  return signedIn.get(viewer)
}

async function contextFor(viewer: Viewer, scheme: Scheme, width: Width): Promise<BrowserContext> {
  const key = `${viewer} ${scheme} ${width.name}`
  let context = contexts.get(key)
  if (!context) {
    context = await newCheckContext(browser, scheme, width, await storageStateOf(viewer))
    contexts.set(key, context)
  }
  return context
}

/** Opens, checks and photographs one page in one scheme and width; returns what is wrong with it. */
async function check(pageCase: PageCase, scheme: Scheme, width: Width): Promise<string[]> {
  const where = `${pageCase.name} (${scheme}, ${width.name})`
  const page = await (await contextFor(pageCase.as, scheme, width)).newPage()
  page.setDefaultTimeout(WAIT)
  const failedLoads: string[] = []
  const url = `${site.boardOrigin}${pageCase.path(seeded)}`
  page.on('response', (response) => {
    const expected = response.url() === url ? (pageCase.status ?? 200) : null
    if (response.status() >= 400 && response.status() !== expected) {
      failedLoads.push(`${where}: ${response.status()} for ${response.url()}`)
    }
  })
  try {
    const response = await page.goto(url)
    const problems = [...failedLoads]
    if (response?.status() !== (pageCase.status ?? 200)) problems.push(`${where}: answered ${response?.status()}`)
    await pageCase.act?.(page)
    // Fonts, the icon and late responses settle before the checks and the picture.
    await page.waitForLoadState('load')
    const violations = await seriousViolations(page)
    problems.push(...(await unreadableControls(page)).map((control) => `${where}: unreadable control ${control}`))
    await page.screenshot({
      path: join(PAGE_SCREENSHOTS, `${pageCase.name}-${scheme}-${width.name}.png`),
      fullPage: true,
    })
    problems.push(...failedLoads.filter((line) => !problems.includes(line)))
    problems.push(...violations.map((violation: Violation) => `${where}: ${explain(violation)}`))
    return problems
  } finally {
    await page.close()
  }
}

function explain(violation: Violation): string {
  return `[${violation.impact}] ${violation.id}: ${violation.help}\n    ${violation.nodes.join('\n    ')}`
}

beforeAll(async () => {
  site = await startChatSite()
  for (const name of ['sample-clip.mp4', 'sample-tone.wav']) {
    await copyFile(join(REPO_MEDIA, name), join(site.board.config.mediaDir, name))
  }
  await site.createUser('alice')
  await site.createUser('bob')
  await site.createUser('admin')
  await site.board.auth.promote(null, 'admin', 'pages test')
  const storage = site.board.storage
  const [alice, bob] = [await userId('alice'), await userId('bob')]
  const now = Date.now()
  const bobPost = (await storage.posts.createPost(bob, 'Hello from bob, with a question about the board.', now)).id
  const alicePost = (await storage.posts.createPost(alice, RICH_POST, now + 1)).id
  await storage.reports.create({ postId: bobPost, reporterId: alice, reason: 'Looks like spam', createdAt: now })
  // Two replies to bob's post, the second quoting the first (the post page).
  const reply = (
    await storage.posts.createReply({
      parentId: bobPost,
      authorId: alice,
      body: 'A *reply* from alice.',
      quoteId: null,
      createdAt: now + 2,
    })
  ).id
  await storage.posts.createReply({
    parentId: bobPost,
    authorId: bob,
    body: 'Thanks, alice!',
    quoteId: reply,
    createdAt: now + 3,
  })
  // bob was online a minute ago (so he is among alice's recent contacts) and left her a message.
  await storage.presence.closePresence(await storage.presence.openPresence(bob, 'gw-old', now - 120_000), now - 60_000)
  await storage.messages.storeMessage({
    senderId: bob,
    recipientId: alice,
    clientId: 'seed-1',
    body: CHAT_WITH_LINKS,
    createdAt: now,
  })
  // bob mentioned alice in his post: one unread notification (the header's count, the list).
  await storage.notifications.create({
    recipientId: alice,
    kind: 'mention',
    actorId: bob,
    postId: bobPost,
    excerpt: 'Hello from bob, with a question about the board.',
    createdAt: now,
  })
  seeded = { alicePost, bobPost, reply }
  browser = await launchChromium(site.certs.cert)
  await mkdir(PAGE_SCREENSHOTS, { recursive: true })
}, 120_000)

afterAll(async () => {
  for (const context of contexts.values()) await context.close().catch(() => undefined)
  await browser?.close()
  await site?.close()
})

describe('every page, in both colour schemes, at desktop and phone width', () => {
  for (const pageCase of PAGES) {
    it(`${pageCase.name} (${pageCase.as}) passes axe's serious and critical checks and loads without errors`, async () => {
      const problems: string[] = []
      for (const scheme of SCHEMES) {
        for (const width of WIDTHS) problems.push(...(await check(pageCase, scheme, width)))
      }
      expect(problems, problems.join('\n')).toEqual([])
    }, 120_000)
  }
})

describe('links people write', () => {
  it('are links in posts (rich text) and in chat messages, with rel and only to the web or mail', async () => {
    const page = await (await contextFor('alice', 'light', WIDTHS[0]!)).newPage()
    page.setDefaultTimeout(WAIT)
    try {
      await page.goto(`${site.boardOrigin}/`)
      const post = page.locator(`#post-${seeded.alicePost} .post-body`)
      expect(await post.locator('strong').textContent()).toBe('Welcome')
      expect(await post.locator('blockquote').textContent()).toContain('A quote from someone')
      expect(await post.locator('li').count()).toBe(4)
      expect(await post.locator('pre code').textContent()).toBe('const hello = "world"\n')
      const postLink = post.locator('a')
      expect(await postLink.getAttribute('href')).toBe('https://example.com/docs')
      expect(await postLink.getAttribute('rel')).toBe('nofollow noopener noreferrer')

      await page.goto(`${site.boardOrigin}/chat`)
      await openConversationWithBob(page)
      const text = page.locator('[data-role="messages"] .chat-message-text', { hasText: 'example.com' })
      expect(await text.textContent()).toBe(CHAT_WITH_LINKS)
      const links = await text.locator('a').evaluateAll((anchors) =>
        anchors.map((anchor) => ({
          href: anchor.getAttribute('href'),
          rel: anchor.getAttribute('rel'),
          text: anchor.textContent,
        })),
      )
      expect(links).toEqual([
        { href: 'https://example.com/docs', rel: 'nofollow noopener noreferrer', text: 'https://example.com/docs' },
        { href: 'mailto:help@example.com', rel: 'nofollow noopener noreferrer', text: 'help@example.com' },
      ])
    } finally {
      await page.close()
    }
  })
})
