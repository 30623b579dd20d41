/**
 * What the board's Chromium tests share: Chromium trusting a board's certificate, pages in their own
 * contexts (closed together), a test board listening on a port, and the sign-in and register forms.
 */
import type { AddressInfo } from 'node:net'
import { ensureCerts } from '@parley/certs'
import { type LaunchChromiumOptions, launchChromium } from '@parley/testing'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { createTestBoard, type TestBoard, type TestBoardOptions } from './support.js'

/** How long a page waits for anything (a loaded machine runs eight test suites at once). */
export const WAIT = { timeout: 15_000 }

/** A browser and every context opened in it, each page in a context of its own (its own cookies). */
export class Pages {
  readonly contexts: BrowserContext[] = []
  readonly browser: Browser

  constructor(browser: Browser) {
    this.browser = browser
  }

  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: { width: 1100, height: 900 }, ...options })
    this.contexts.push(context)
    return context
  }

  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await this.newContext(options)).newPage()
    page.setDefaultTimeout(WAIT.timeout)
    return page
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined)
    await this.browser.close()
  }
}

/** A test board listening on 127.0.0.1 (port 0) with Chromium trusting its certificate. */
export interface BrowserBoard {
  board: TestBoard
  /** https://127.0.0.1:<port> */
  base: string
  pages: Pages
  close(): Promise<void>
}

export async function openBrowserBoard(
  options: TestBoardOptions = {},
  chromium: LaunchChromiumOptions = {},
): Promise<BrowserBoard> {
  const board = await createTestBoard(options)
  try {
    await board.app.listen({ host: '127.0.0.1', port: 0 })
    const base = `https://127.0.0.1:${(board.app.server.address() as AddressInfo).port}`
    const { cert } = await ensureCerts(board.config.certsDir)
    const pages = new Pages(await launchChromium(cert, chromium))
    return {
      board,
      base,
      pages,
      async close() {
        await pages.close()
        await board.close()
      },
    }
  } catch (error) {
    await board.close()
    throw error
  }
}

async function submitCredentials(page: Page, form: string, base: string, username: string, password: string) {
  await page.goto(`${base}${form}`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('button[type=submit].primary')
  await page.waitForURL(`${base}/`)
}

/** Signs in through /login and waits for the board. */
export function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  return submitCredentials(page, '/login', base, username, password)
}

/** Registers through /register and waits for the board. */
export function register(page: Page, base: string, username: string, password: string): Promise<void> {
  return submitCredentials(page, '/register', base, username, password)
}
