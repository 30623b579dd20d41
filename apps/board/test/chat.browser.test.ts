/**
 * The chat in Debian's Chromium (playwright-core) against the REAL board and the REAL chat gateway
 * (one SQLite file, one certificate), with the REAL terminal client in a pseudo-terminal on the
 * other side. The browser signs in to the chat with nothing but the board's session cookie.
 */
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { launchChromium } from '@parley/testing'
import { CliInPty } from 'chat-cli/test/helpers/cli-process.js'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type ChatSite, PASSWORD, startChatSite } from './chat-site.js'

// The CLI runs from its TypeScript sources (node + tsx) on a shared 2-core machine.
vi.setConfig({ testTimeout: 120_000 })

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')
const WAIT = 30_000
const WELCOME = 'Welcome to the greatest messaging application ever!'

/** The parts of the page's globals these tests touch (the test is compiled without DOM types). */
interface PageGlobals {
  document: { documentElement: { scrollWidth: number }; activeElement: { textContent: string | null } | null }
  innerWidth: number
  localStorage: Record<string, string>
  sessionStorage: Record<string, string>
  WebSocket: new (
    url: string,
    protocol: string,
  ) => {
    addEventListener(type: string, listener: (event: { code?: number; data?: string }) => void): void
  }
}

let site: ChatSite
let browser: Browser
const contexts: BrowserContext[] = []
const clis: CliInPty[] = []

beforeAll(async () => {
  site = await startChatSite()
  browser = await launchChromium(site.certs.cert)
  for (const name of ['alice', 'bob', 'luke']) await site.createUser(name)
  await mkdir(SCREENSHOTS, { recursive: true })
}, 90_000)

afterAll(async () => {
  for (const cli of clis) cli.kill()
  for (const context of contexts) await context.close().catch(() => undefined)
  await browser?.close()
  await site?.close()
})

async function newContext(viewport = { width: 1200, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport })
  contexts.push(context)
  return context
}

/** Signs in on the board's login page; returns the page, now on the board. */
async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(WAIT)
  await page.goto(`${site.boardOrigin}/login`)
  await page.fill('#username', username)
  await page.fill('#password', PASSWORD)
  await page.click('button[type=submit].primary')
  await page.waitForURL(`${site.boardOrigin}/`)
  return page
}

async function openChat(page: Page, username: string): Promise<void> {
  await page.goto(`${site.boardOrigin}/chat`)
  await page.locator('[data-role="status"]', { hasText: `Online as ${username}` }).waitFor()
}

/** The real CLI, logged in. */
async function cliLogin(username: string): Promise<CliInPty> {
  const cli = new CliInPty(username, ['--server', site.gatewayUrl, '--ca', site.certs.caPath])
  clis.push(cli)
  await cli.waitFor(() => cli.cursorLine() === 'Username:', 'the username prompt')
  cli.enter(username)
  await cli.waitFor(() => cli.cursorLine() === 'Password:', 'the password prompt')
  cli.enter(PASSWORD)
  await cli.waitForLine(WELCOME)
  return cli
}

function contact(page: Page, name: string) {
  return page.locator(`.chat-sidebar li.chat-contact`, { has: page.locator('.chat-contact-name', { hasText: name }) })
}

function messages(page: Page) {
  return page.locator('[data-role="messages"] .chat-message')
}

describe('chat in the browser, with the terminal client on the other side', () => {
  let alice: Page
  let luke: CliInPty

  it('signs in to the chat with the board cookie alone, and shows who is online', async () => {
    luke = await cliLogin('luke')
    const context = await newContext()
    alice = await signIn(context, 'alice')
    const sockets: string[] = []
    context.on('page', (page) => page.on('websocket', (socket) => sockets.push(socket.url())))
    alice.on('websocket', (socket) => sockets.push(socket.url()))
    await openChat(alice, 'alice')
    await luke.waitForLine('alice logged in')
    await contact(alice, 'luke').locator('.chat-contact-state', { hasText: 'online' }).waitFor()
    // No token anywhere the page could read: not in the URL, not in storage.
    expect(sockets.length).toBeGreaterThan(0)
    for (const url of sockets) expect(url).toBe(site.gatewayUrl)
    const stored = await alice.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as PageGlobals
      return { local: { ...localStorage }, session: { ...sessionStorage } }
    })
    expect(stored).toEqual({ local: {}, session: {} })
    expect((await context.cookies()).find((cookie) => cookie.name === '__Host-parley')?.httpOnly).toBe(true)
  })

  it('exchanges messages both ways, shown as text and never twice', async () => {
    await contact(alice, 'luke').locator('[data-action="open"]').click()
    const text = 'Hello luke <b>not bold</b> & more'
    await alice.locator('#chat-full-text').fill(text)
    await alice.locator('#chat-full-text').press('Enter')
    const mine = messages(alice).filter({ hasText: 'not bold' })
    await mine.locator('.chat-message-status', { hasText: /^Sent$/ }).waitFor()
    await luke.waitForLine(`alice: ${text}`)
    expect(await mine.locator('b').count()).toBe(0)

    luke.enter('message alice Hi alice, <i>luke</i> here')
    const theirs = messages(alice).filter({ hasText: '<i>luke</i> here' })
    await theirs.waitFor()
    expect(await theirs.locator('.chat-message-text').textContent()).toBe('Hi alice, <i>luke</i> here')
    expect(await theirs.locator('.chat-message-from').textContent()).toBe('luke')
    expect(await messages(alice).count()).toBe(2)
    // Shown, so confirmed: nothing waits in alice's offline queue.
    await expect.poll(async () => site.board.storage.messages.pendingMessages(await userId('alice'), 10)).toEqual([])
    await alice.screenshot({ path: join(SCREENSHOTS, 'chat.png') })
  })

  it('shows presence changes live (a board user comes and goes; the CLI sees them too)', async () => {
    const context = await newContext()
    // Bob only signs in: the compact panel beside the board connects him.
    await signIn(context, 'bob')
    await contact(alice, 'bob').locator('.chat-contact-state', { hasText: 'online' }).waitFor()
    expect(await alice.locator('[data-role="group-online"] .chat-contact-name').allTextContents()).toEqual([
      'bob',
      'luke',
    ])
    await luke.waitForLine('bob logged in')
    await context.close()
    const recent = alice.locator('[data-role="group-recent"] li.chat-contact', { hasText: 'bob' })
    await recent.locator('.chat-contact-state', { hasText: 'offline' }).waitFor()
    expect(await alice.locator('[data-role="title-recent"]').isVisible()).toBe(true)
    await luke.waitForLine('bob logged out')
  })

  it('delivers a message sent while the browser user was away when they return, with an unread count', async () => {
    // The media page has no chat: alice is offline.
    await alice.goto(`${site.boardOrigin}/media`)
    await luke.waitForLine('alice logged out')
    luke.enter('message alice Are you back yet?')
    const aliceId = await userId('alice')
    await expect.poll(() => site.board.storage.messages.pendingMessages(aliceId, 10), { timeout: WAIT }).toHaveLength(1)

    // Back on the board: the compact panel beside the posts gets it.
    await alice.goto(`${site.boardOrigin}/`)
    const panel = alice.locator('section.chat-compact')
    await panel.locator('[data-role="status"]', { hasText: 'Online as alice' }).waitFor()
    await luke.waitForLine('alice logged in', 2)
    const row = panel.locator('li.chat-contact', { has: alice.locator('.chat-contact-name', { hasText: 'luke' }) })
    await row.locator('.chat-badge', { hasText: '1 unread' }).waitFor()
    expect(await panel.locator('[data-role="total-unread"]').textContent()).toBe('1 unread')
    await expect
      .poll(() => panel.locator('[data-role="announcer"]').textContent())
      .toContain('While you were away, luke wrote: Are you back yet?')
    await expect.poll(() => site.board.storage.messages.pendingMessages(aliceId, 10)).toEqual([])

    await row.locator('[data-action="open"]').click()
    const conversation = panel.locator('[data-role="messages"] .chat-message')
    await conversation.filter({ hasText: 'Are you back yet?' }).waitFor()
    // The earlier messages come from the history; the pushed one is not shown a second time.
    await expect.poll(() => conversation.count()).toBe(3)
    expect(await row.locator('.chat-badge').isHidden()).toBe(true)
    expect(await panel.locator('[data-role="total-unread"]').isHidden()).toBe(true)
    await alice.screenshot({ path: join(SCREENSHOTS, 'board-with-chat.png') })
  })

  it('blocks from the user menu with the keyboard: the CLI user is told, nothing arrives; unblock restores', async () => {
    await openChat(alice, 'alice')
    const row = contact(alice, 'luke')
    await row.locator('summary').focus()
    await alice.keyboard.press('Enter')
    await alice.keyboard.press('Tab')
    expect(await alice.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent)).toBe(
      'Block luke',
    )
    await alice.keyboard.press('Enter')
    const blocked = alice.locator('[data-role="group-blocked"] li.chat-contact', { hasText: 'luke' })
    await blocked.locator('.chat-contact-state', { hasText: 'blocked' }).waitFor()
    await expect.poll(() => alice.locator('[data-role="announcer"]').textContent()).toBe('luke is blocked')

    luke.enter('message alice Can you hear me?')
    await luke.waitForLine('Your message could not be delivered as the recipient has blocked you')
    const history = await site.board.storage.messages.conversation(await userId('alice'), await userId('luke'), {
      limit: 50,
    })
    expect(history.map((row) => row.body)).not.toContain('Can you hear me?')

    await blocked.locator('summary').click()
    await blocked.getByRole('button', { name: 'Unblock luke' }).click()
    await contact(alice, 'luke').locator('.chat-contact-state', { hasText: 'online' }).waitFor()
    luke.enter('message alice And now?')
    await contact(alice, 'luke').locator('.chat-badge', { hasText: '1 unread' }).waitFor()
    await contact(alice, 'luke').locator('[data-action="open"]').click()
    await messages(alice).filter({ hasText: 'And now?' }).waitFor()
    expect(await messages(alice).filter({ hasText: 'Can you hear me?' }).count()).toBe(0)
    expect(await messages(alice).filter({ hasText: 'luke is blocked' }).count()).toBe(1)
    expect(await messages(alice).filter({ hasText: 'luke is unblocked' }).count()).toBe(1)
  })

  it('shows private chat as unavailable, and declines a private request from the CLI with the reason', async () => {
    const menu = alice.locator('[data-role="conversation-menu"] details.chat-menu')
    await menu.locator('summary').click()
    const item = menu.getByRole('button', { name: /Private chat/ })
    expect(await item.getAttribute('aria-disabled')).toBe('true')
    expect(await menu.locator('.chat-menu-note').textContent()).toContain('a web page cannot open')
    await alice.screenshot({ path: join(SCREENSHOTS, 'chat-menu.png') })
    await alice.keyboard.press('Escape')
    expect(await menu.getAttribute('open')).toBeNull()

    luke.enter('startprivate alice')
    await luke.waitForLine('alice declined private messaging')
    await messages(alice).filter({ hasText: 'luke asked for a private chat' }).waitFor()
  })

  it('broadcasts to everyone and shows broadcasts in the Everyone view', async () => {
    await alice.locator('[data-role="pinned"] [data-action="open"]').click()
    expect(await alice.locator('[data-role="composer-label"]').textContent()).toBe('Message everyone online')
    await alice.locator('#chat-full-text').fill('Hello everyone')
    await alice.keyboard.press('Enter')
    await messages(alice)
      .filter({ hasText: 'Hello everyone' })
      .locator('.chat-message-status', { hasText: 'Sent' })
      .waitFor()
    await luke.waitForLine('alice: Hello everyone')
    luke.enter('broadcast Hi all, luke here')
    const broadcast = messages(alice).filter({ hasText: 'Hi all, luke here' })
    await broadcast.waitFor()
    expect(await broadcast.locator('.chat-message-from').textContent()).toBe('luke')
  })

  it('runs a second tab of the same user beside the first: both get messages, the user stays online', async () => {
    const second = await alice.context().newPage()
    second.setDefaultTimeout(WAIT)
    await openChat(second, 'alice')
    await contact(alice, 'luke').locator('[data-action="open"]').click()
    await contact(second, 'luke').locator('[data-action="open"]').click()
    luke.enter('message alice To both of your tabs')
    await messages(alice).filter({ hasText: 'To both of your tabs' }).waitFor()
    await messages(second).filter({ hasText: 'To both of your tabs' }).waitFor()

    // What one tab sends, the other shows too (told over a BroadcastChannel once the gateway stored it).
    await alice.locator('#chat-full-text').fill('Sent from the first tab')
    await alice.keyboard.press('Enter')
    await luke.waitForLine('alice: Sent from the first tab')
    const copy = messages(second).filter({ hasText: 'Sent from the first tab' })
    await copy.locator('.chat-message-status', { hasText: 'Sent' }).waitFor()
    expect(await messages(second).filter({ hasText: 'To both of your tabs' }).count()).toBe(1)

    // Closing one tab does not log the user out.
    const loggedOut = luke.count('alice logged out')
    const connections = site.gateway.connectionCount()
    await second.close()
    await expect.poll(() => site.gateway.connectionCount()).toBe(connections - 1)
    const listed = luke.count('alice')
    luke.enter('whoelse')
    await luke.waitForLine('alice', listed + 1)
    expect(luke.count('alice logged out')).toBe(loggedOut)
  })

  it('keeps a message typed while the server is down, resends it after the restart, and it arrives once', async () => {
    await site.stopGateway()
    await alice.locator('[data-role="notice"]', { hasText: 'The chat server is restarting' }).waitFor()
    expect(await alice.locator('[data-role="reconnect"]').textContent()).toBe('Reconnect now')
    await alice.locator('#chat-full-text').fill('Typed while the server was down')
    await alice.keyboard.press('Enter')
    const pending = messages(alice).filter({ hasText: 'Typed while the server was down' })
    expect(await pending.locator('.chat-message-status').textContent()).toBe('Sending…')

    // The page reconnects by itself (backoff), resumes with the cookie and resends.
    await site.startGateway()
    await alice.locator('[data-role="status"]', { hasText: 'Online as alice' }).waitFor()
    await pending.locator('.chat-message-status', { hasText: /^Sent$/ }).waitFor()
    await luke.waitForLine('alice: Typed while the server was down', 1, 60_000)
    const rows = await site.board.storage.messages.conversation(await userId('alice'), await userId('luke'), {
      limit: 100,
    })
    expect(rows.filter((row) => row.body === 'Typed while the server was down')).toHaveLength(1)
    expect(await pending.count()).toBe(1)
  })

  it('opens a conversation by name and pages back through its history', async () => {
    await site.createUser('yoda')
    const [aliceId, yodaId] = [await userId('alice'), await userId('yoda')]
    for (let n = 1; n <= 60; n++) {
      await site.board.storage.messages.storeMessage({
        senderId: aliceId,
        recipientId: yodaId,
        clientId: `history-${n}`,
        body: `old message ${n}`,
        createdAt: Date.now() - 60_000 + n,
      })
    }
    const start = alice.locator('#chat-full-start')
    await start.fill('nobody')
    await start.press('Enter')
    await alice.locator('.chat-start .field-error', { hasText: 'There is no user named nobody.' }).waitFor()
    expect(await start.getAttribute('aria-invalid')).toBe('true')

    // Any case finds the user; the conversation shows the name as registered.
    await start.fill('YODA')
    await start.press('Enter')
    await alice.locator('[data-role="conversation-title"]', { hasText: /^yoda$/ }).waitFor()
    const newest = messages(alice).filter({ has: alice.getByText('old message 60', { exact: true }) })
    await newest.waitFor()
    expect(await newest.locator('.chat-message-from').textContent()).toBe('You')
    expect(await messages(alice).count()).toBe(50)
    expect(await messages(alice).first().locator('.chat-message-text').textContent()).toBe('old message 11')
    await alice.getByRole('button', { name: 'Load older messages' }).click()
    await messages(alice)
      .filter({ has: alice.getByText('old message 1', { exact: true }) })
      .waitFor()
    expect(await messages(alice).count()).toBe(60)
    expect(await alice.getByRole('button', { name: 'Load older messages' }).isHidden()).toBe(true)
    expect(await start.inputValue()).toBe('')
  })

  it('is usable at 375 px: list and conversation take turns, nothing wider than the screen', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
      storageState: await alice.context().storageState(),
    })
    contexts.push(context)
    const phone = await context.newPage()
    phone.setDefaultTimeout(WAIT)
    await openChat(phone, 'alice')
    const width = () =>
      phone.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as PageGlobals
        return document.documentElement.scrollWidth <= innerWidth
      })
    expect(await width()).toBe(true)
    expect(await phone.locator('[data-role="conversation"]').isHidden()).toBe(true)
    await phone.screenshot({ path: join(SCREENSHOTS, 'chat-phone-list.png'), fullPage: true })
    await contact(phone, 'luke').locator('[data-action="open"]').click()
    await messages(phone).filter({ hasText: 'Typed while the server was down' }).waitFor()
    expect(await phone.locator('.chat-sidebar').isHidden()).toBe(true)
    expect(await width()).toBe(true)
    await phone.locator('#chat-full-text').fill('From my phone')
    await phone.locator('.chat-composer button[type=submit]').click()
    await luke.waitForLine('alice: From my phone')
    await phone.screenshot({ path: join(SCREENSHOTS, 'chat-phone-conversation.png'), fullPage: true })
    await phone.getByRole('button', { name: '← All conversations' }).click()
    expect(await phone.locator('.chat-sidebar').isVisible()).toBe(true)
    expect(
      await phone.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent),
    ).toContain('luke')
    await phone.goto(`${site.boardOrigin}/`)
    await phone.locator('section.chat-compact [data-role="status"]', { hasText: 'Online as alice' }).waitFor()
    expect(await width()).toBe(true)
    await phone.screenshot({ path: join(SCREENSHOTS, 'board-with-chat-phone.png'), fullPage: true })
  })
  it('lets a user in the terminal chat in the browser too: both get messages, each shows what the other sent', async () => {
    const context = await newContext()
    const page = await signIn(context, 'luke')
    await openChat(page, 'luke')
    await contact(page, 'alice').locator('[data-action="open"]').click()
    await contact(alice, 'luke').locator('[data-action="open"]').click()

    await alice.locator('#chat-full-text').fill('To the terminal and the browser')
    await alice.keyboard.press('Enter')
    await luke.waitForLine('alice: To the terminal and the browser')
    await messages(page).filter({ hasText: 'To the terminal and the browser' }).waitFor()

    // Sent from the terminal: alice gets it, and luke's browser shows it as his, once.
    luke.enter('message alice Typed in the terminal')
    await messages(alice).filter({ hasText: 'Typed in the terminal' }).waitFor()
    const mine = messages(page).filter({ hasText: 'Typed in the terminal' })
    await mine.locator('.chat-message-status', { hasText: 'Sent' }).waitFor()
    expect(await mine.locator('.chat-message-from').textContent()).toBe('You')
    // Sent from the browser: the terminal shows it too.
    await page.locator('#chat-full-text').fill('Typed in the browser')
    await page.keyboard.press('Enter')
    await luke.waitForLine('you to alice: Typed in the browser')
    await messages(alice).filter({ hasText: 'Typed in the browser' }).waitFor()

    // The terminal logging out does not log luke out: his browser is still in the chat. (A presence
    // change would reach alice before the message that follows it.)
    luke.enter('logout')
    expect(await luke.waitForExit()).toBe(0)
    await page.locator('#chat-full-text').fill('Still here in the browser')
    await page.keyboard.press('Enter')
    await messages(alice).filter({ hasText: 'Still here in the browser' }).waitFor()
    const state = await contact(alice, 'luke').locator('.chat-contact-state').textContent()
    expect(state).toContain('online')
    expect(state).not.toContain('offline')
    expect(await messages(page).filter({ hasText: 'Typed in the terminal' }).count()).toBe(1)
  })

  it('lets a user chat from two browsers at once; moving between board pages never shows them offline', async () => {
    const laptop = await signIn(await newContext(), 'bob')
    const phone = await signIn(await newContext(), 'bob')
    await openChat(laptop, 'bob')
    await openChat(phone, 'bob')
    await contact(alice, 'bob').locator('.chat-contact-state', { hasText: 'online' }).waitFor()
    // From now on alice's page records every presence state it shows for bob.
    await alice.evaluate(() => {
      interface Item {
        dataset: { state?: string }
        querySelector(selector: string): { textContent: string | null } | null
      }
      const g = globalThis as unknown as {
        bobStates: string[]
        document: { body: unknown; querySelectorAll(selector: string): Item[] }
        MutationObserver: new (
          callback: () => void,
        ) => { observe(target: unknown, options: Record<string, unknown>): void }
      }
      g.bobStates = []
      new g.MutationObserver(() => {
        for (const item of g.document.querySelectorAll('li.chat-contact')) {
          if (item.querySelector('.chat-contact-name')?.textContent === 'bob')
            g.bobStates.push(item.dataset.state ?? '')
        }
      }).observe(g.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
    })

    await contact(alice, 'bob').locator('[data-action="open"]').click()
    await contact(laptop, 'alice').locator('[data-action="open"]').click()
    await contact(phone, 'alice').locator('[data-action="open"]').click()
    await alice.locator('#chat-full-text').fill('To both of your browsers')
    await alice.keyboard.press('Enter')
    await messages(laptop).filter({ hasText: 'To both of your browsers' }).waitFor()
    await messages(phone).filter({ hasText: 'To both of your browsers' }).waitFor()
    // Two sessions, two browsers: what the phone sends, the laptop shows as bob's own.
    await phone.locator('#chat-full-text').fill('Sent from the phone')
    await phone.keyboard.press('Enter')
    await messages(alice).filter({ hasText: 'Sent from the phone' }).waitFor()
    const copy = messages(laptop).filter({ hasText: 'Sent from the phone' })
    await copy.locator('.chat-message-status', { hasText: 'Sent' }).waitFor()

    // The laptop shuts; the phone goes to the board and back to the chat: each move closes bob's last
    // connection and opens a new one. Presence changes reach alice before any later message.
    await laptop.context().close()
    await phone.goto(`${site.boardOrigin}/`)
    await phone.locator('section.chat-compact [data-role="status"]', { hasText: 'Online as bob' }).waitFor()
    await openChat(phone, 'bob')
    await contact(phone, 'alice').locator('[data-action="open"]').click()
    await phone.locator('#chat-full-text').fill('Back on the chat page')
    await phone.keyboard.press('Enter')
    await messages(alice).filter({ hasText: 'Back on the chat page' }).waitFor()
    const states = await alice.evaluate(() => (globalThis as unknown as { bobStates: string[] }).bobStates)
    expect(states.length).toBeGreaterThan(0)
    expect(states.filter((state) => state !== 'online')).toEqual([])
  })
})

describe('a page on another origin', () => {
  let pages: Server[] = []

  afterEach(() => {
    for (const server of pages) server.close()
    pages = []
  })

  /** Opens the chat socket from `page` (another site's page in carol's browser: her cookie is in it). */
  async function tryFrom(page: Page): Promise<string[]> {
    return page.evaluate(
      (url) =>
        new Promise<string[]>((resolve) => {
          const events: string[] = []
          const ws = new (globalThis as unknown as PageGlobals).WebSocket(url, 'parley.v1')
          ws.addEventListener('open', () => events.push('open'))
          ws.addEventListener('message', (event) => events.push(`message ${event.data}`))
          ws.addEventListener('error', () => events.push('error'))
          ws.addEventListener('close', (event) => {
            events.push(`close ${event.code}`)
            resolve(events)
          })
        }),
      site.gatewayUrl,
    )
  }

  it('cannot open the chat socket: a cross-site http page and a same-site https page on another port', async () => {
    await site.createUser('carol')
    const context = await newContext()
    await signIn(context, 'carol')
    const plain = createHttpServer((_request, response) => response.end('<!doctype html><title>elsewhere</title>'))
    const tls = createHttpsServer({ key: site.certs.key, cert: site.certs.cert }, (_request, response) =>
      response.end('<!doctype html><title>elsewhere</title>'),
    )
    pages = [plain, tls]
    for (const server of pages) server.listen(0, '127.0.0.1')
    await Promise.all(pages.map((server) => once(server, 'listening')))
    const origins = [
      `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
      // Same site as the board (the cookie goes along), but not an allowed Origin.
      `https://127.0.0.1:${(tls.address() as AddressInfo).port}`,
    ]
    for (const origin of origins) {
      const page = await context.newPage()
      await page.goto(origin)
      expect(await tryFrom(page), origin).toEqual(['error', 'close 1006'])
      await expect
        .poll(() =>
          site.gatewayLogs.some((line) => line.includes('"upgrade refused"') && line.includes(`"origin":"${origin}"`)),
        )
        .toBe(true)
      const refusal = site.gatewayLogs.find((line) => line.includes(`"origin":"${origin}"`))
      expect(JSON.parse(refusal!).status).toBe(403)
    }
    // The board's own page still connects.
    const board = await context.newPage()
    await openChat(board, 'carol')
  })
})

describe('the end of a chat session', () => {
  it('shows the inactivity timeout as a notice with a Reconnect button that works', async () => {
    const short = await startChatSite({ timeoutSeconds: 2 })
    try {
      await short.createUser('alice')
      const shortBrowser = await launchChromium(short.certs.cert)
      try {
        const page = await shortBrowser.newPage()
        page.setDefaultTimeout(WAIT)
        await page.goto(`${short.boardOrigin}/login`)
        await page.fill('#username', 'alice')
        await page.fill('#password', PASSWORD)
        await page.click('button[type=submit].primary')
        await page.waitForURL(`${short.boardOrigin}/`)
        await page.goto(`${short.boardOrigin}/chat`)
        const notice = page.locator('[data-role="notice"]')
        await notice.filter({ hasText: 'You were logged out after 2 seconds of inactivity' }).waitFor()
        expect(await page.locator('[data-role="status"]').textContent()).toBe('Offline')
        // Read out once (an alert), not with every tick of a countdown.
        expect(await notice.locator('[data-role="notice-text"]').getAttribute('role')).toBe('alert')
        await page.screenshot({ path: join(SCREENSHOTS, 'chat-timeout.png') })
        await page.getByRole('button', { name: 'Reconnect', exact: true }).click()
        await page.locator('[data-role="status"]', { hasText: 'Online as alice' }).waitFor()
      } finally {
        await shortBrowser.close()
      }
    } finally {
      await short.close()
    }
  })

  it('ends the chat with a sign-in link when the board session ends', async () => {
    const quick = await startChatSite({ heartbeatMs: 200 })
    try {
      await quick.createUser('alice')
      const quickBrowser = await launchChromium(quick.certs.cert)
      try {
        const context = await quickBrowser.newContext()
        const page = await context.newPage()
        page.setDefaultTimeout(WAIT)
        await page.goto(`${quick.boardOrigin}/login`)
        await page.fill('#username', 'alice')
        await page.fill('#password', PASSWORD)
        await page.click('button[type=submit].primary')
        await page.waitForURL(`${quick.boardOrigin}/`)
        await page.goto(`${quick.boardOrigin}/chat`)
        await page.locator('[data-role="status"]', { hasText: 'Online as alice' }).waitFor()
        // Signing out in another tab ends the board session; the gateway notices at its next heartbeat.
        const other = await context.newPage()
        await other.goto(`${quick.boardOrigin}/media`)
        await other.getByRole('button', { name: 'Sign out' }).click()
        await other.waitForURL(`${quick.boardOrigin}/login`)
        await page.locator('[data-role="notice"]', { hasText: 'Sign in again to chat' }).waitFor()
        expect(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe('/login')
        expect(await page.locator('[data-role="reconnect"]').isHidden()).toBe(true)
      } finally {
        await quickBrowser.close()
      }
    } finally {
      await quick.close()
    }
  })
})

async function userId(name: string): Promise<number> {
  const row = await site.board.storage.users.getUserByKey(site.board.auth.normalizeUsername(name).usernameKey)
  if (!row) throw new Error(`no user ${name}`)
  return row.id
}
