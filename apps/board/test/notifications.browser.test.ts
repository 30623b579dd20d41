/**
 * Notifications in Chromium (playwright-core) on a real TLS board: the header's unread count changes
 * live while the reader stays on another page (a mention arrives, "Mark all read" in another tab), a
 * mention is a link to the user's page, and the /account choice is a working form.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserBoard, openBrowserBoard, signIn, WAIT } from './browser-support.js'
import type { TestBoard } from './support.js'

let browserBoard: BrowserBoard
let board: TestBoard
let base: string

async function signedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
  await board.auth.createUser(username, `${username} password`)
  const page = await browserBoard.pages.newPage()
  await signIn(page, base, username, `${username} password`)
  return { context: page.context(), page }
}

beforeAll(async () => {
  browserBoard = await openBrowserBoard()
  ;({ board, base } = browserBoard)
}, 60_000)

afterAll(async () => {
  await browserBoard?.close()
})

describe('notifications in Chromium', () => {
  it('updates the unread count live, links the mention, and marks all read from another tab', async () => {
    const nora = await signedIn('nora')
    const hans = await signedIn('hans')
    const badge = nora.page.locator('[data-unread-count]')
    await nora.page.goto(`${base}/media`)
    await expect.poll(() => badge.isHidden()).toBe(true)
    // Once the stream is open, a mention made now must arrive live.
    await nora.page.locator('[data-unread-count][data-live="true"]').waitFor({ state: 'attached' })

    await hans.page.fill('#post-body', 'Hello @nora, have a look')
    await hans.page.getByRole('button', { name: 'Post' }).click()
    await hans.page.waitForURL(`${base}/`)
    await expect.poll(() => badge.isVisible(), WAIT).toBe(true)
    expect(await nora.page.locator('[data-unread-number]').textContent()).toBe('1')
    expect(await nora.page.getByRole('link', { name: /^Notifications\W*1 unread$/ }).count()).toBe(1)

    // The board shows the mention as a link to nora's page.
    await hans.page.getByRole('link', { name: '@nora' }).first().click()
    await hans.page.waitForURL(`${base}/users/nora`)
    expect(await hans.page.locator('h1').textContent()).toBe('nora')

    // Another tab of nora's marks everything read: the first tab's count goes without a reload.
    const tab = await nora.context.newPage()
    await tab.goto(`${base}/notifications`)
    expect(await tab.locator('.notification.unread').count()).toBe(1)
    expect(await tab.locator('.notification .actor').textContent()).toBe('hans')
    await tab.getByRole('button', { name: 'Mark all read' }).click()
    await tab.waitForURL(`${base}/notifications`)
    expect(await tab.locator('.notification.unread').count()).toBe(0)
    await expect.poll(() => badge.isHidden(), WAIT).toBe(true)
    expect(await board.storage.notifications.countUnread((await board.storage.users.getUserByKey('nora'))!.id)).toBe(0)
  })

  it('shares the board page’s own stream: one /events request per tab, and the count still goes live', async () => {
    const rosa = await signedIn('rosa')
    const sven = await signedIn('sven')
    const streams: string[] = []
    rosa.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/events') streams.push(request.url())
    })
    await rosa.page.goto(`${base}/`)
    await rosa.page.locator('[data-unread-count][data-live="true"]').waitFor({ state: 'attached' })
    await sven.page.fill('#post-body', 'over to you, @rosa')
    await sven.page.getByRole('button', { name: 'Post' }).click()
    await sven.page.waitForURL(`${base}/`)
    await expect.poll(() => rosa.page.locator('[data-unread-number]').textContent(), WAIT).toBe('1')
    // The post also arrived live on the board through the same stream.
    await expect.poll(() => rosa.page.getByText('over to you,').count(), WAIT).toBe(1)
    expect(streams).toHaveLength(1)
  })

  it('saves the choice of events on /account, and a turned-off event no longer notifies', async () => {
    const olga = await signedIn('olga')
    const pete = await signedIn('pete')
    await olga.page.goto(`${base}/account`)
    const mention = olga.page.getByLabel(/someone mentions me/)
    expect(await mention.isChecked()).toBe(true)
    await mention.uncheck()
    await olga.page.getByRole('button', { name: 'Save notification choices' }).click()
    await olga.page.waitForURL(/\/account\?done=notifications/)
    expect(await olga.page.getByRole('status').textContent()).toContain('Your notification choices are saved.')
    expect(await olga.page.getByLabel(/someone mentions me/).isChecked()).toBe(false)
    expect(await olga.page.getByLabel(/someone replies to my post/).isChecked()).toBe(true)

    await pete.page.fill('#post-body', 'hi @olga')
    await pete.page.getByRole('button', { name: 'Post' }).click()
    await pete.page.waitForURL(`${base}/`)
    await olga.page.goto(`${base}/notifications`)
    expect(await olga.page.locator('.notification').count()).toBe(0)
    expect(await olga.page.locator('[data-unread-count]').isHidden()).toBe(true)
  })
})
