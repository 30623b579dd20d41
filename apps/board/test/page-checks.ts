/**
 * Looking at a page as a person would, for pages.browser.test.ts: axe-core's checks (contrast, names,
 * labels, landmarks…) in a real Chromium page, and a screenshot a reviewer can open.
 *
 * axe-core is injected as a script into the page. The board's CSP allows no inline script, so the browser
 * contexts are made with `bypassCSP: true` (a test-only switch of the browser): the CSP served stays exactly
 * as strict as in production, only these test pages ignore it for the injected checker.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'

/** Where the browser tests put what a person should look at (gitignored). */
export const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')
/** This file's screenshots: `<page>-<scheme>-<width>.png`. */
export const PAGE_SCREENSHOTS = join(SCREENSHOTS, 'pages')

export type Scheme = 'light' | 'dark'

export interface Width {
  name: 'desktop' | 'phone'
  viewport: { width: number; height: number }
}

export const SCHEMES: readonly Scheme[] = ['light', 'dark']
export const WIDTHS: readonly Width[] = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]

/** Impacts that fail a page; "minor" and "moderate" findings are reported by axe but not failed on. */
const FAILING_IMPACTS = new Set(['serious', 'critical'])

let axeSource: Promise<string> | undefined

/** axe-core's browser bundle (the pinned devDependency), read once. */
function axe(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  return axeSource
}

export interface Violation {
  id: string
  impact: string | null
  help: string
  /** CSS selectors of the offending elements, with axe's summary of what is wrong. */
  nodes: string[]
}

/** A browser context for one colour scheme and width, whose pages allow the injected checker. */
export function newCheckContext(
  browser: Browser,
  scheme: Scheme,
  width: Width,
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
): Promise<BrowserContext> {
  return browser.newContext({
    colorScheme: scheme,
    viewport: width.viewport,
    bypassCSP: true,
    ...(storageState ? { storageState } : {}),
  })
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: await axe() })
  const violations = await page.evaluate(async () => {
    interface AxeResult {
      id: string
      impact: string | null
      help: string
      nodes: { target: unknown[]; failureSummary?: string }[]
    }
    const { axe } = globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: AxeResult[] }> } }
    const results = await axe.run({ resultTypes: ['violations'] })
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map(
        (node) => `${node.target.map(String).join(' ')}: ${(node.failureSummary ?? '').replace(/\s+/g, ' ')}`,
      ),
    }))
  })
  return violations.filter((violation) => violation.impact !== null && FAILING_IMPACTS.has(violation.impact))
}

/**
 * Controls whose text is drawn on their own opaque background with almost no contrast (below 3:1), such as
 * red text on a red button. axe leaves text the same colour as its background out of its contrast results
 * (it counts it as hidden on purpose), so this is checked here.
 */
export async function unreadableControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const channels = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number)
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const linear = (c: number) => {
        const s = c / 255
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }
    const found: string[] = []
    const { document, getComputedStyle } = globalThis as unknown as {
      document: { querySelectorAll(selector: string): Iterable<HtmlElement> }
      getComputedStyle(element: HtmlElement): { color: string; backgroundColor: string }
    }
    interface HtmlElement {
      textContent: string | null
      outerHTML: string
      getClientRects(): { length: number }
    }
    for (const element of document.querySelectorAll('button, a, summary, [role="button"]')) {
      const text = (element.textContent ?? '').trim()
      if (text === '' || element.getClientRects().length === 0) continue
      const style = getComputedStyle(element)
      const background = channels(style.backgroundColor)
      if (background.length < 3 || (background[3] ?? 1) < 1) continue
      const [light, dark] = [luminance(channels(style.color)), luminance(background)].sort((a, b) => b - a)
      const ratio = ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05)
      if (ratio < 3) found.push(`"${text}" is ${style.color} on ${style.backgroundColor} (${ratio.toFixed(2)}:1)`)
    }
    return found
  })
}
