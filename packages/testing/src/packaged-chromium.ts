/**
 * The Chromium shipped inside the `@sparticuz/chromium` npm tarball (a dependency of this
 * test-only package), so `pnpm install` alone gives the browser tests a browser: nothing is
 * downloaded at install time. The tarball holds one brotli-compressed headless Chromium for linux x64
 * (`bin/chromium.br`); it is inflated once per install into this package's `node_modules/.cache`
 * (not a shared /tmp path another user could plant a binary in) and reused after that.
 * We inflate it ourselves rather than call the package's `executablePath()`, which writes to a
 * fixed, unversioned `/tmp/chromium` and returns whatever file is there, even a half-written one.
 * Pinned at 143.0.4: the last release whose `engines` allow Node 20 (later ones ask for 22.17+).
 * A 66 MB tarball, 191 MB once inflated; the package is MIT, Chromium itself BSD-3-Clause.
 * @module
 */
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createBrotliDecompress } from 'node:zlib'

export const PACKAGED_CHROMIUM = '@sparticuz/chromium'

/** Where the package keeps its compressed binary, and which version it is. */
export interface PackagedChromium {
  /** The brotli-compressed executable inside the installed package. */
  compressed: string
  /** The package's version, which names the cache folder so an upgrade never reuses an old binary. */
  version: string
}

/** The installed package, or undefined when it is not installed (or not for this platform). */
export function findPackagedChromium(): PackagedChromium | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined
  let entry: string
  try {
    // Its `exports` map hides package.json, so resolve the CommonJS entry (build/cjs/index.cjs).
    entry = createRequire(import.meta.url).resolve(PACKAGED_CHROMIUM)
  } catch {
    return undefined
  }
  const root = join(dirname(entry), '..', '..')
  const compressed = join(root, 'bin', 'chromium.br')
  if (!existsSync(compressed)) return undefined
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  return { compressed, version }
}

/** This package's own cache folder (`packages/testing/node_modules/.cache`, from src/ or dist/). */
export const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/parley-chromium', import.meta.url))

const inflating = new Map<string, Promise<string>>()

/**
 * The executable, inflated on first use. Each writer inflates into its own temporary file and
 * renames it into place, so parallel test workers never see (or run) a half-written binary.
 */
export function inflatePackagedChromium(packaged: PackagedChromium, cacheDir = CACHE_DIR): Promise<string> {
  const target = join(cacheDir, packaged.version, 'chromium')
  let pending = inflating.get(target)
  if (!pending) {
    pending = inflate(packaged.compressed, target).finally(() => inflating.delete(target))
    inflating.set(target, pending)
  }
  return pending
}

async function inflate(compressed: string, target: string): Promise<string> {
  if (existsSync(target)) return target
  await mkdir(dirname(target), { recursive: true, mode: 0o700 })
  const partial = `${target}.${process.pid}.${Date.now()}.partial`
  try {
    await pipeline(createReadStream(compressed), createBrotliDecompress(), createWriteStream(partial, { mode: 0o700 }))
    await rename(partial, target)
  } catch (cause) {
    await rm(partial, { force: true })
    throw new Error(`could not inflate the packaged Chromium (${compressed}) into ${target}`, { cause })
  }
  return target
}
