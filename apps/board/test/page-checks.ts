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
