/**
 * Pages in Chromium (launched by @parley/testing's launchChromium) that record what an injected
 * script would trip: dialogs, CSP violations, page errors and console messages.
 * @module
 */
import type { Browser, Page } from 'playwright-core'

/** What a page saw that an injected script could have caused. */
export interface PageTrap {
  page: Page
  dialogs: string[]
  pageErrors: string[]
  console: string[]
  /** CSP violations seen by the page (`securitypolicyviolation` events): each means markup was injected. */
  violations(): Promise<string[]>
  /** The marker global an executed payload would have set. */
  marker(): Promise<unknown>
}

export async function trappedPage(browser: Browser): Promise<PageTrap> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const trap: PageTrap = {
    page,
    dialogs: [],
    pageErrors: [],
    console: [],
    violations: () => page.evaluate('window.__violations ?? []') as Promise<string[]>,
    marker: () => page.evaluate('window.__xss') as Promise<unknown>,
  }
  await page.addInitScript(`
    window.__violations = []
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sample || ''))
    })
  `)
  page.on('dialog', (dialog) => {
    trap.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('pageerror', (error) => trap.pageErrors.push(error.message))
  page.on('console', (message) => trap.console.push(`${message.type()}: ${message.text()}`))
  return trap
}
