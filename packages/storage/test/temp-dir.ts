import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach } from 'vitest'

/** A fresh directory under the OS temp dir; `remove` deletes it with everything inside. */
export async function makeTempDir(prefix = 'parley-storage-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/**
 * A fresh SQLite file path per test (its folder removed after each): registers vitest hooks, so
 * call it at the top of a test file. `withRawDb` opens the file with the bare driver, for tests that
 * must look past the Storage interface.
 */
export function useTempSqliteFile(): {
  readonly dir: string
  readonly path: string
  withRawDb<T>(work: (db: Database.Database) => T, at?: string): T
} {
  let dir: Awaited<ReturnType<typeof makeTempDir>> | undefined
  beforeEach(async () => {
    dir = await makeTempDir()
  })
  afterEach(async () => {
    await dir?.remove()
  })
  const current = () => {
    if (!dir) throw new Error('useTempSqliteFile: used outside a test')
    return dir.path
  }
  return {
    get dir() {
      return current()
    },
    get path() {
      return join(current(), 'parley.db')
    },
    withRawDb(work, at) {
      const db = new Database(at ?? join(current(), 'parley.db'))
      try {
        return work(db)
      } finally {
        db.close()
      }
    },
  }
}
