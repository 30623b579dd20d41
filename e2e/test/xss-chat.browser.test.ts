/**
 * The same XSS payloads as chat text reaching the browser chat (/chat page, chat.js over wss with
 * the board's cookie) from a protocol client whose username is itself a payload: as broadcasts and
 * as direct messages. Real board, real gateway, real Chromium. Nothing runs, no CSP violation is
 * reported, and every text shows literally with no element inside it.
 */
import { once } from 'node:events'
import { createServer } from 'node:net'
import { launchChromium } from '@parley/testing'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type PageTrap, trappedPage } from '../src/browser.js'
import { ChatClient } from '../src/chat-client.js'
import { PASSWORD, type RunningBoard, type RunningGateway, Site } from '../src/site.js'
import { EVIL_NAME, HAND_PICKED } from '../src/xss-payloads.js'

let site: Site
let board: RunningBoard
let gw: RunningGateway
let browser: Browser
let mallory: ChatClient

/** A port free right now, for the gateway (the board's CSP must name it before either starts). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  site = await Site.open()
  const gatewayPort = await freePort()
  board = await site.startBoard({ CHAT_GATEWAY_ORIGINS: `wss://127.0.0.1:${gatewayPort}` })
  gw = await site.startGateway({ port: gatewayPort, allowedOrigins: [board.origin] })
  browser = await launchChromium(site.certs.cert)
  await site.createUser('alice')
  await site.createUser(EVIL_NAME)
  mallory = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  await mallory.login(EVIL_NAME, PASSWORD)
}, 120_000)

afterAll(async () => {
  mallory?.terminate()
  await browser?.close()
  await site?.close()
})

async function messageTexts(trap: PageTrap): Promise<string[]> {
  return trap.page.$$eval('.chat-message-text', (elements) => elements.map((element) => element.textContent ?? ''))
}

async function expectInert(trap: PageTrap): Promise<void> {
  expect(await trap.marker(), 'a payload ran').toBeUndefined()
  expect(trap.dialogs).toEqual([])
  expect(await trap.violations(), 'markup reached the page and only the CSP stopped it').toEqual([])
  expect(trap.pageErrors).toEqual([])
  expect(trap.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([])
  // Addresses in a message become links (public/chat-links.js); nothing else may become an element, and a link
  // carries only a safe href, the fixed rel and target, and no markup inside.
  const elements = await trap.page.$$eval('.chat-message-text *', (found) =>
    found.map((element) => ({
      tag: element.localName,
      attributes: [...element.attributes].map((attribute) => attribute.name).sort(),
      href: element.getAttribute('href') ?? '',
      rel: element.getAttribute('rel'),
      children: element.children.length,
    })),
  )
  for (const element of elements) {
    expect(element).toMatchObject({
      tag: 'a',
      attributes: ['href', 'rel', 'target'],
      rel: 'nofollow noopener noreferrer',
    })
    expect(element.href).toMatch(/^(https?|mailto):/)
    expect(element.children).toBe(0)
  }
}

it('shows broadcasts and direct messages with XSS payloads literally and inert', async () => {
  const alice = await trappedPage(browser)
  await alice.page.goto(`${board.origin}/login`)
  await alice.page.fill('#username', 'alice')
  await alice.page.fill('#password', PASSWORD)
  await alice.page.click('button[type=submit].primary')
  await alice.page.waitForURL(`${board.origin}/`)
  await alice.page.goto(`${board.origin}/chat`)
  // The board page's own chat panel signed alice in already; this page's connection is ready once a
  // probe broadcast shows up in it.
  let ready = false
  for (let probe = 1; !ready && probe <= 30; probe++) {
    await mallory.request({ type: 'broadcast', text: `probe ${probe}` })
    ready = await expect
      .poll(async () => (await messageTexts(alice)).some((text) => text.startsWith('probe')), { timeout: 1_000 })
      .toBe(true)
      .then(() => true)
      .catch(() => false)
  }
  expect(ready, 'the /chat page never showed a broadcast').toBe(true)

  // Broadcasts: the "everyone" conversation is the one open on /chat.
  for (const payload of HAND_PICKED) {
    expect(await mallory.request({ type: 'broadcast', text: `b|${payload}` })).toMatchObject({ type: 'ack' })
  }
  await expect
    .poll(async () => (await messageTexts(alice)).filter((text) => text.startsWith('b|')).length, { timeout: 20_000 })
    .toBe(HAND_PICKED.length)
  const broadcasts = await messageTexts(alice)
  for (const payload of HAND_PICKED) expect(broadcasts).toContain(`b|${payload}`)
  await expectInert(alice)

  // Direct messages: open the conversation with the sender (whose name is a payload too).
  for (const payload of HAND_PICKED) {
    expect(await mallory.request({ type: 'message', to: 'alice', text: `d|${payload}` })).toMatchObject({ type: 'ack' })
  }
  await alice.page.locator('[data-action="open"]').filter({ hasText: EVIL_NAME }).first().click()
  await expect
    .poll(async () => (await messageTexts(alice)).filter((text) => text.startsWith('d|')).length, {
      timeout: 20_000,
    })
    .toBe(HAND_PICKED.length)
  const direct = await messageTexts(alice)
  for (const payload of HAND_PICKED) expect(direct).toContain(`d|${payload}`)
  expect(await alice.page.locator('body').textContent()).toContain(EVIL_NAME)
  await expectInert(alice)
})
