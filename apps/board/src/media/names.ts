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
