/**
 * Search in Chromium (playwright-core) with JavaScript OFF, on a real TLS server on port 0: the
 * header's box leads to /search, hits link to their post, matched words are marked (and text that
 * looks like markup stays text), the reader's own chat line is listed and paging works.
 */
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ensureCerts } from '@parley/certs'
import { launchChromium } from '@parley/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestBoard, type TestBoard } from './support.js'

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')

let board: TestBoard
let base: string
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  board = await createTestBoard()
  await board.app.listen({ host: '127.0.0.1', port: 0 })
  base = `https://127.0.0.1:${(board.app.server.address() as AddressInfo).port}`
  const { cert } = await ensureCerts(board.config.certsDir)
  browser = await launchChromium(cert)
  // Without JavaScript: the search is a plain GET form.
  context = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false })
  await mkdir(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await context?.close().catch(() => undefined)
  await browser?.close()
  await board?.close()
})

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/login`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('button[type=submit].primary')
  await page.waitForURL(`${base}/`)
}

describe('search in Chromium', () => {
  it('finds a post from the header box, marks the words, lists my chat, and pages', async () => {
    await board.auth.createUser('hans', 'hans password')
    await board.auth.createUser('greta', 'greta password')
    const hans = (await board.storage.users.getUserByKey('hans'))!
    const greta = (await board.storage.users.getUserByKey('greta'))!
    const post = await board.storage.posts.createPost(greta.id, 'Ferry <img src=x> times for the island', Date.now())
    for (let i = 0; i < 22; i++) await board.storage.posts.createPost(greta.id, `another island note ${i}`, Date.now())
    await board.storage.messages.storeMessage({
      senderId: hans.id,
      recipientId: greta.id,
      clientId: 'c1',
      body: 'which ferry do we take?',
      createdAt: Date.UTC(2026, 2, 4, 9, 15),
    })

    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await signIn(page, 'hans', 'hans password')
    await page.getByRole('searchbox', { name: 'Search' }).fill('ferry')
    await page.getByRole('button', { name: 'Search' }).first().click()
    await page.waitForURL(`${base}/search?q=ferry`)

    const postHit = page.locator('#post-hits .search-hit')
    expect(await postHit.count()).toBe(1)
    expect(await postHit.locator('mark').allTextContents()).toEqual(['Ferry'])
    expect(await postHit.locator('.excerpt').textContent()).toBe('Ferry <img src=x> times for the island')
    expect(await page.locator('.excerpt img').count()).toBe(0)
    const chat = page.locator('#chat-hits .search-hit')
    expect(await chat.count()).toBe(1)
    expect(await chat.locator('.excerpt').textContent()).toBe('hans: which ferry do we take?')
    expect(await chat.locator('time').textContent()).toBe('2026-03-04 09:15 UTC')
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png'), fullPage: true })

    await postHit.getByRole('link').click()
    await page.waitForURL(`${base}/posts/${post.id}`)
    expect(await page.locator('main').textContent()).toContain('times for the island')

    await page.goto(`${base}/search?q=island`)
    expect(await page.locator('#post-hits .search-hit').count()).toBe(20)
    await page.getByRole('link', { name: 'Next' }).click()
    await page.waitForURL(/page=2/)
    expect(await page.locator('#post-hits .search-hit').count()).toBe(3)
    expect(await page.getByRole('searchbox', { name: /Words to find/ }).inputValue()).toBe('island')
  })
})
