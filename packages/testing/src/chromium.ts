/**
 * Chromium through playwright-core, as every browser suite launches it: headless, no sandbox
 * (containers), nothing fetched in the background, a fresh temporary profile per launch
 * (playwright creates and deletes the user-data dir when none is given), and trusting exactly one
 * test server's certificate by its SPKI hash, so no certificate warning is clicked through.
 * Which Chromium: see find-chromium.ts; the first launch in a process says which, on one line.
 * @module
 */
import { createHash, X509Certificate } from 'node:crypto'
import { type Browser, chromium } from 'playwright-core'
import { type FoundChromium, findChromium, isExecutable } from './find-chromium.js'

/** The flags every suite runs Chromium with (loopback only, no updates, syncing or GPU). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface LaunchChromiumOptions {
  /** Flags a suite needs beyond CHROMIUM_FLAGS (e.g. `--autoplay-policy=no-user-gesture-required`). */
  extraArgs?: readonly string[]
  /** The executable (default: findChromium(): CHROMIUM_PATH, a system Chromium, or the packaged one). */
  executablePath?: string
  /** Where the one line naming the browser goes (default: stderr, once per process). */
  report?: (line: string) => void
}

/** The base64 SHA-256 of a certificate's public key, as `--ignore-certificate-errors-spki-list` takes it. */
export function spkiHash(certPem: string | Buffer): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}

let reported = false

function reportOnce(line: string): void {
  if (reported) return
  reported = true
  process.stderr.write(`${line}\n`)
}

/** Chromium with a fresh profile, trusting exactly the certificate `certPem`; fails naming Chromium when there is none. */
export async function launchChromium(certPem: string | Buffer, options: LaunchChromiumOptions = {}): Promise<Browser> {
  const found = await chosenChromium(options.executablePath)
  const browser = await chromium.launch({
    executablePath: found.path,
    args: [
      ...CHROMIUM_FLAGS,
      ...(options.extraArgs ?? []),
      `--ignore-certificate-errors-spki-list=${spkiHash(certPem)}`,
    ],
  })
  ;(options.report ?? reportOnce)(`Chromium ${browser.version()}: ${found.path} (${found.source})`)
  return browser
}

async function chosenChromium(executablePath: string | undefined): Promise<FoundChromium> {
  if (executablePath === undefined) return findChromium()
  if (!(await isExecutable(executablePath))) throw new Error(`Chromium not found at ${executablePath}`)
  return { path: executablePath, source: 'executablePath option' }
}
