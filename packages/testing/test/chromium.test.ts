/** The launcher against a real Chromium (the one findChromium picks) and a real TLS server on port 0. */
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_FLAGS, findChromium, type LaunchChromiumOptions, launchChromium, spkiHash } from '../src/index.js'
import { startTlsServer, type TlsServer } from './tls-server.js'

let site: TlsServer
const browsers: Browser[] = []

beforeAll(async () => {
  site = await startTlsServer((_request, response) => {
    response.setHeader('content-type', 'text/html')
    response.end('<!doctype html><title>trusted</title><p id="hello">hello over TLS</p>')
  })
})

afterAll(async () => {
  for (const browser of browsers) await browser.close()
  await site?.close()
})

async function launch(certPem: Buffer, options: LaunchChromiumOptions = {}): Promise<Browser> {
  const browser = await launchChromium(certPem, options)
  browsers.push(browser)
  return browser
}

describe('launchChromium', () => {
  it('fails naming Chromium and the path when the executable is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-no-chromium-'))
    const missing = join(dir, 'chromium')
    await expect(launchChromium(site.certs.cert, { executablePath: missing })).rejects.toThrow(
      `Chromium not found at ${missing}`,
    )
    await rm(dir, { recursive: true })
  })

  it('runs with the shared flags', () => {
    expect(CHROMIUM_FLAGS).toEqual([
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ])
  })

  it('hashes the public key as Chromium expects it (base64 SHA-256 of the SPKI DER)', () => {
    const der = new X509Certificate(site.certs.cert).publicKey.export({ type: 'spki', format: 'der' })
    expect(spkiHash(site.certs.cert)).toBe(createHash('sha256').update(der).digest('base64'))
    expect(spkiHash(site.certs.cert.toString())).toBe(spkiHash(site.certs.cert))
    expect(spkiHash(site.certs.ca)).not.toBe(spkiHash(site.certs.cert))
  })

  it('opens the test server trusting exactly its certificate, with a fresh profile per launch', async () => {
    const url = `https://127.0.0.1:${site.port}/`
    // --enable-automation only lets profilePath read the command line; it changes no profile handling.
    const first = await launch(site.certs.cert, { extraArgs: ['--enable-automation'] })
    const page = await first.newPage()
    await page.goto(url)
    expect(await page.textContent('#hello')).toBe('hello over TLS')

    const second = await launch(site.certs.cert, { extraArgs: ['--enable-automation'] })
    const [firstProfile, secondProfile] = [await profilePath(first), await profilePath(second)]
    expect(firstProfile).toContain(tmpdir())
    expect(secondProfile).toContain(tmpdir())
    expect(secondProfile).not.toBe(firstProfile)

    // Trusting another key (the CA's) leaves this server's certificate untrusted.
    const other = await launch(site.certs.ca)
    const refused = await other.newPage()
    await expect(refused.goto(url)).rejects.toThrow(/ERR_CERT/)
  })

  it('says on one line which Chromium it launched: version, path and where it came from', async () => {
    const lines: string[] = []
    const browser = await launch(site.certs.cert, { report: (line) => lines.push(line) })
    const found = await findChromium()
    expect(lines).toEqual([`Chromium ${browser.version()}: ${found.path} (${found.source})`])
    expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
  })

  it('runs the packaged Chromium (@sparticuz/chromium) when neither CHROMIUM_PATH nor a system one is there', async () => {
    const packaged = await findChromium({ env: { PATH: '' } })
    expect(packaged.source).toMatch(/^@sparticuz\/chromium \d+\.\d+\.\d+$/)
    const lines: string[] = []
    const browser = await launch(site.certs.cert, {
      executablePath: packaged.path,
      report: (line) => lines.push(line),
    })
    const page = await browser.newPage()
    await page.goto(`https://127.0.0.1:${site.port}/`)
    expect(await page.textContent('#hello')).toBe('hello over TLS')
    expect(lines).toEqual([`Chromium ${browser.version()}: ${packaged.path} (executablePath option)`])
  })
})

/**
 * The user-data dir a browser runs with, from its command line over CDP (the packaged headless
 * shell has no chrome://version page; CDP answers only to a browser run with --enable-automation).
 */
async function profilePath(browser: Browser): Promise<string> {
  const cdp = await browser.newBrowserCDPSession()
  const { arguments: args } = await cdp.send('Browser.getBrowserCommandLine')
  await cdp.detach()
  const flag = args.find((arg) => arg.startsWith('--user-data-dir='))
  return flag?.slice('--user-data-dir='.length) ?? ''
}
