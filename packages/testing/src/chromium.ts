/**
 * Debian's Chromium through playwright-core, as every browser suite launches it: headless, no
 * sandbox (containers), nothing fetched in the background, a fresh temporary profile per launch
 * (playwright creates and deletes the user-data dir when none is given), and trusting exactly one
 * test server's certificate by its SPKI hash, so no certificate warning is clicked through.
 * @module
 */
import { createHash, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

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
  /** The executable (default: CHROMIUM_PATH from the environment, else /usr/bin/chromium). */
  executablePath?: string
}

/** Where the browser is: CHROMIUM_PATH when set, else Debian's package path. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM
}

/** The base64 SHA-256 of a certificate's public key, as `--ignore-certificate-errors-spki-list` takes it. */
export function spkiHash(certPem: string | Buffer): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}

/** Chromium with a fresh profile, trusting exactly the certificate `certPem`; fails naming Chromium when missing. */
export async function launchChromium(certPem: string | Buffer, options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumPath()
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install the Debian "chromium" package (or set CHROMIUM_PATH)`,
    )
  }
  return chromium.launch({
    executablePath,
    args: [
      ...CHROMIUM_FLAGS,
      ...(options.extraArgs ?? []),
      `--ignore-certificate-errors-spki-list=${spkiHash(certPem)}`,
    ],
  })
}
