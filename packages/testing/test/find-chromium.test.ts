/**
 * Which Chromium the suites get: CHROMIUM_PATH, else a system one on PATH, else the packaged one,
 * inflated from the real @sparticuz/chromium tarball contents and run. Real files and folders.
 */
import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from '../src/index.js'
import { findPackagedChromium, inflatePackagedChromium } from '../src/packaged-chromium.js'

const run = promisify(execFile)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-find-chromium-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A file at `path` with the given mode (folders made as needed). */
async function file(path: string, mode: number): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, '#!/bin/sh\necho fake\n')
  await chmod(path, mode)
  return path
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, even with a system Chromium on PATH', async () => {
    const chosen = await file(join(dir, 'chosen', 'chrome'), 0o755)
    const system = await file(join(dir, 'bin-a', 'chromium'), 0o755)
    const env = { CHROMIUM_PATH: chosen, PATH: join(system, '..') }
    expect(await findChromium({ env, packaged: undefined })).toEqual({ path: chosen, source: 'CHROMIUM_PATH' })
  })

  it('fails naming CHROMIUM_PATH when it points at nothing, rather than running another browser', async () => {
    const system = await file(join(dir, 'bin-b', 'chromium'), 0o755)
    const missing = join(dir, 'nowhere', 'chrome')
    await expect(
      findChromium({ env: { CHROMIUM_PATH: missing, PATH: join(system, '..') }, packaged: undefined }),
    ).rejects.toThrow(`Chromium not found at ${missing} (CHROMIUM_PATH): fix or unset CHROMIUM_PATH`)
  })

  it('takes the first executable chromium or chromium-browser on PATH, in PATH order', async () => {
    const notExecutable = await file(join(dir, 'bin-c', 'chromium'), 0o644)
    await mkdir(join(dir, 'bin-d', 'chromium'), { recursive: true }) // a folder of that name
    const browser = await file(join(dir, 'bin-e', 'chromium-browser'), 0o755)
    const later = await file(join(dir, 'bin-f', 'chromium'), 0o755)
    const PATH = [join(notExecutable, '..'), join(dir, 'bin-d'), join(browser, '..'), join(later, '..')].join(delimiter)
    expect(await findChromium({ env: { PATH }, packaged: undefined })).toEqual({
      path: browser,
      source: 'system (PATH)',
    })
  })

  it('fails naming Chromium and every place it looked when there is none', async () => {
    await expect(findChromium({ env: { PATH: join(dir, 'empty') }, packaged: undefined })).rejects.toThrow(
      'Chromium not found: CHROMIUM_PATH is not set, no chromium or chromium-browser on PATH, and ' +
        '@sparticuz/chromium (installed with @parley/testing, linux x64 only) is not installed: ' +
        'run pnpm install, install Chromium, or set CHROMIUM_PATH',
    )
  })
})

describe('the packaged Chromium', () => {
  it('is installed by pnpm install alone (inside the npm tarball)', () => {
    const packaged = findPackagedChromium()
    expect(packaged?.compressed).toMatch(/@sparticuz\/chromium\/bin\/chromium\.br$/)
    expect(packaged?.version).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('is inflated once into a folder named by its version, and runs', async () => {
    const cacheDir = join(dir, 'cache')
    const env = { PATH: join(dir, 'empty') }
    const [first, second] = await Promise.all([findChromium({ env, cacheDir }), findChromium({ env, cacheDir })])
    const version = findPackagedChromium()?.version
    expect(first).toEqual({ path: join(cacheDir, `${version}`, 'chromium'), source: `@sparticuz/chromium ${version}` })
    expect(second).toEqual(first)
    const { stdout } = await run(first.path, ['--version'])
    expect(stdout).toMatch(/^Chromium \d+\./)

    const inflatedAt = (await stat(first.path)).mtimeMs
    expect(await findChromium({ env, cacheDir })).toEqual(first)
    expect((await stat(first.path)).mtimeMs).toBe(inflatedAt)
  })

  it('leaves no binary behind when inflating fails (a later run tries again)', async () => {
    const corrupt = await file(join(dir, 'corrupt', 'chromium.br'), 0o644)
    const cacheDir = join(dir, 'cache-corrupt')
    await expect(inflatePackagedChromium({ compressed: corrupt, version: '0.0.0' }, cacheDir)).rejects.toThrow(
      `could not inflate the packaged Chromium (${corrupt})`,
    )
    await expect(stat(join(cacheDir, '0.0.0', 'chromium'))).rejects.toThrow(/ENOENT/)
  })
})
