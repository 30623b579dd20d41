/**
 * Search in Chromium (playwright-core) with JavaScript OFF, on a real TLS server on port 0: the
 * header's box leads to /search, hits link to their post, matched words are marked (and text that
 * looks like markup stays text), the reader's own chat line is listed and paging works.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserBoard, openBrowserBoard, signIn } from './browser-support.js'
import type { TestBoard } from './support.js'

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')

let browserBoard: BrowserBoard
let board: TestBoard
let base: string
let context: BrowserContext

beforeAll(async () => {
  browserBoard = await openBrowserBoard()
  ;({ board, base } = browserBoard)
  // Without JavaScript: the search is a plain GET form.
  context = await browserBoard.pages.newContext({ javaScriptEnabled: false })
  await mkdir(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browserBoard?.close()
})

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
    await signIn(page, base, 'hans', 'hans password')
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
