/**
 * Media file names and their safe resolution inside the media folder. A name is one path segment; it is
 * never joined raw into a path before passing these checks, and what it resolves to (after symlinks)
 * must still be a regular file inside the real media folder.
 * @module
 */
import { realpath, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

/** NAME_MAX on Linux and macOS: longer names cannot exist as one path segment anyway. */
export const MAX_NAME_BYTES = 255

// C0 controls (NUL included) and DEL: never part of a name we serve or create.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

function isSafeSegment(name: string): boolean {
  if (name.length === 0 || Buffer.byteLength(name) > MAX_NAME_BYTES) return false
  if (name.startsWith('.')) return false // dot-files: `.`, `..`, hidden files and our partial uploads
  if (name.includes('/') || name.includes('\\')) return false
  return !CONTROL.test(name)
}

/**
 * Whether `name` may name a file directly in the media folder. The router has already percent-decoded
 * the name once; if it still decodes to something different (`..%2f`, `%00`, `%2e%2e`), that decoded
 * form must be safe too, so a second decoding anywhere downstream can never turn it into a path.
 */
export function isSafeMediaName(name: string): boolean {
  if (!isSafeSegment(name)) return false
  if (!name.includes('%')) return true
  let decoded: string
  try {
    decoded = decodeURIComponent(name)
  } catch {
    return true // not a valid escape (`50%.mp3`): it is just a percent sign
  }
  return decoded === name || isSafeMediaName(decoded)
}

/**
 * The real path of the regular file `name` in `realDir` (which must itself be a real path), or null when
 * the name is unsafe, the file is missing, is not a regular file, or a symlink leads out of the folder
 * or into a dot-file or dot-folder inside it.
 */
export async function resolveInside(realDir: string, name: string): Promise<string | null> {
  if (!isSafeMediaName(name)) return null
  let real: string
  try {
    real = await realpath(join(realDir, name))
  } catch {
    return null
  }
  const inside = relative(realDir, real)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || inside.startsWith(sep)) return null
  if (inside.split(sep).some((segment) => segment.startsWith('.'))) return null
  try {
    return (await stat(real)).isFile() ? real : null
  } catch {
    return null
  }
}

export interface ResolvedNames {
  /** The real path resolved for `name` less than the lifetime ago, or undefined. */
  get(name: string): string | undefined
  set(name: string, path: string): void
  /** Drops a name (uploaded, deleted, or found missing when opened). */
  forget(name: string): void
}

/**
 * Recent `resolveInside` answers (realpath of the folder and of the file, stat), so a burst of range
 * requests for one file does not walk the path again for each. Only successes are kept: a file that
 * appears (an upload, or a file copied in by hand) is found at once. A kept path is still opened with
 * O_NOFOLLOW and checked with fstat for every response, so a file deleted or swapped for a symlink
 * within the lifetime is a failed open, after which the caller forgets the name and resolves again;
 * what the lifetime bounds is only how long a re-pointed media folder goes unnoticed.
 */
export function createResolvedNames(options: { ttlMs: number; maxEntries: number; now?: () => number }): ResolvedNames {
  const { ttlMs, maxEntries, now = Date.now } = options
  const entries = new Map<string, { path: string; until: number }>()
  return {
    get(name) {
      const entry = entries.get(name)
      if (entry === undefined) return undefined
      if (entry.until > now()) return entry.path
      entries.delete(name)
      return undefined
    },
    set(name, path) {
      if (ttlMs <= 0) return
      entries.delete(name)
      entries.set(name, { path, until: now() + ttlMs })
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    },
    forget(name) {
      entries.delete(name)
    },
  }
}
