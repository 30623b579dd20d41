/**
 * The SQLite database holds password hashes, sessions and private messages: only its owner may read
 * it. SQLite creates a database's `-wal`, `-shm` and `-journal` files with the mode of the database
 * file itself, so creating (or tightening) that file first is enough for all of them.
 * @module
 */
import { chmod, mkdir, open, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { StorageError, StorageErrorCode } from '../errors.js'

export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/**
 * Creates the folder 0700 when missing (an existing folder keeps the mode its owner gave it) and the
 * file 0600; an existing file, and its `-wal`/`-shm` left by an earlier run, are tightened to 0600.
 * Never truncates.
 */
export async function preparePrivateFile(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE })
    const handle = await open(path, 'a', PRIVATE_FILE_MODE)
    try {
      await handle.chmod(PRIVATE_FILE_MODE) // `open`'s mode only applies to a file it creates
    } finally {
      await handle.close()
    }
    for (const suffix of ['-wal', '-shm']) {
      if (await exists(path + suffix)) await chmod(path + suffix, PRIVATE_FILE_MODE)
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new StorageError(StorageErrorCode.Unavailable, `cannot open the SQLite file ${path} (${code})`, {
      cause: error,
    })
  }
}
