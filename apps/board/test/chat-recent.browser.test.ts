/**
 * The chat page says when the gateway's "recently online" answer was cut (its answers are bounded:
 * issue 14). Debian's Chromium against the REAL board and the REAL gateway on one SQLite file.
 */
import { launchChromium } from '@parley/testing'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { type ChatSite, PASSWORD, startChatSite } from './chat-site.js'

vi.setConfig({ testTimeout: 120_000 })

let site: ChatSite
let browser: Browser

beforeAll(async () => {
  site = await startChatSite()
  browser = await launchChromium(site.certs.cert)
  await site.createUser('alice')
  // 600 accounts online a minute ago: more than one answer carries (500 names).
  const storage = site.board.storage
  const at = Date.now() - 60_000
  for (let i = 0; i < 600; i++) {
    const username = `past${String(i).padStart(3, '0')}`
    const row = await storage.users.createUser({
      username,
      usernameKey: username,
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      createdAt: at,
    })
    await storage.presence.closePresence(await storage.presence.openPresence(row.id, 'gw-old', at - 1000), at)
  }
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

it('says that more people were recently online than are listed', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  await page.goto(`${site.boardOrigin}/login`)
  await page.fill('#username', 'alice')
  await page.fill('#password', PASSWORD)
  await page.click('button[type=submit].primary')
  await page.waitForURL(`${site.boardOrigin}/`)
  await page.goto(`${site.boardOrigin}/chat`)
  await page.locator('[data-role="status"]', { hasText: 'Online as alice' }).waitFor()
  const note = page.locator('[data-role="recent-truncated"]').first()
  await note.waitFor({ state: 'visible' })
  expect(await note.textContent()).toMatch(/More people were online recently/)
  expect(await page.locator('[data-role="group-recent"] li').count()).toBeGreaterThan(0)
  await context.close()
})
