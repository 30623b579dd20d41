import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

/** Private keys are readable by their owner only. */
export const PRIVATE_KEY_MODE = 0o600
const PUBLIC_MODE = 0o644
/** A lock older than this was left by a crashed process. */
const STALE_LOCK_MS = 60_000
const LOCK_WAIT_MS = 120_000

/** Reads a file, or null when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** Writes through a temporary file and a rename, so no reader ever sees half a PEM file. */
export async function writeAtomically(path: string, data: string | Buffer, secret: boolean): Promise<void> {
  const mode = secret ? PRIVATE_KEY_MODE : PUBLIC_MODE
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temporary, data, { mode, flag: 'wx' })
  // The mode given to writeFile is filtered by the umask; set it explicitly.
  await chmod(temporary, mode)
  await rename(temporary, path)
}

/** Tightens a private key file that was copied in with looser permissions. */
export async function ensurePrivateMode(path: string): Promise<void> {
  const info = await stat(path)
  if ((info.mode & 0o777) !== PRIVATE_KEY_MODE) await chmod(path, PRIVATE_KEY_MODE)
}

/**
 * Runs `work` while holding an exclusive lock file in `dir`: `pnpm dev` starts the board and the
 * gateway together, and both may try to create the certificates at the same moment.
 */
export async function withDirectoryLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true })
  const lockPath = join(dir, '.certs.lock')
  const started = Date.now()
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const info = await stat(lockPath).catch(() => null)
      if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) {
        await unlink(lockPath).catch(() => undefined)
        continue
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new Error(`Timed out waiting for ${lockPath}; delete it if no other process is creating certificates`)
      }
      await delay(50)
    }
  }
  try {
    return await work()
  } finally {
    await unlink(lockPath).catch(() => undefined)
  }
}
