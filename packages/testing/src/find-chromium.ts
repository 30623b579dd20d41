/**
 * Which Chromium the browser tests run, so `pnpm install && pnpm test` needs no other set-up:
 * `CHROMIUM_PATH` when set, else a system Chromium on PATH, else the one shipped inside the
 * `@sparticuz/chromium` package this one depends on. With none of the three it fails, naming
 * Chromium and what was tried.
 * @module
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import {
  findPackagedChromium,
  inflatePackagedChromium,
  PACKAGED_CHROMIUM,
  type PackagedChromium,
} from './packaged-chromium.js'

/** The names a system Chromium goes by on PATH (Debian: chromium; some other distributions: chromium-browser). */
export const SYSTEM_CHROMIUM_NAMES: readonly string[] = ['chromium', 'chromium-browser']

export interface FoundChromium {
  path: string
  /** Where it came from, as the launcher reports it: `CHROMIUM_PATH`, `system (PATH)` or `@sparticuz/chromium 143.0.4`. */
  source: string
}

export interface FindChromiumOptions {
  env?: NodeJS.ProcessEnv
  /** The packaged browser (default: the installed @sparticuz/chromium; undefined when it is not installed). */
  packaged?: PackagedChromium | undefined
  /** Where the packaged browser is inflated (default: this package's node_modules/.cache). */
  cacheDir?: string
}

export async function findChromium(options: FindChromiumOptions = {}): Promise<FoundChromium> {
  const env = options.env ?? process.env
  if (env.CHROMIUM_PATH) {
    // Set on purpose, so never silently replaced by another browser.
    if (!(await isExecutable(env.CHROMIUM_PATH))) {
      throw new Error(`Chromium not found at ${env.CHROMIUM_PATH} (CHROMIUM_PATH): fix or unset CHROMIUM_PATH`)
    }
    return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' }
  }
  const system = await onPath(SYSTEM_CHROMIUM_NAMES, env.PATH ?? '')
  if (system) return { path: system, source: 'system (PATH)' }
  const packaged = 'packaged' in options ? options.packaged : findPackagedChromium()
  if (packaged) {
    return {
      path: await inflatePackagedChromium(packaged, options.cacheDir),
      source: `${PACKAGED_CHROMIUM} ${packaged.version}`,
    }
  }
  throw new Error(
    `Chromium not found: CHROMIUM_PATH is not set, no ${SYSTEM_CHROMIUM_NAMES.join(' or ')} on PATH, and ` +
      `${PACKAGED_CHROMIUM} (installed with @parley/testing, linux x64 only) is not installed: ` +
      'run pnpm install, install Chromium, or set CHROMIUM_PATH',
  )
}

/** The first executable file named one of `names` in the PATH's folders, in PATH order. */
async function onPath(names: readonly string[], path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    for (const name of names) {
      const candidate = join(dir, name)
      if (await isExecutable(candidate)) return candidate
    }
  }
  return undefined
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
