/** The database, its WAL/SHM files and backups are private to their owner (issue 14, item 13). */
import { chmod, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteStorage } from '../src/index.js'
import { makeTempDir } from './temp-dir.js'

let dir: Awaited<ReturnType<typeof makeTempDir>>
beforeEach(async () => {
  dir = await makeTempDir()
})
afterEach(async () => {
  await dir.remove()
})

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777
}

async function writeSomething(storage: Awaited<ReturnType<typeof openSqliteStorage>>) {
  await storage.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: 1 })
}

describe('SQLite file modes', () => {
  it('creates the data folder 0700 and the database, WAL and SHM 0600', async () => {
    const path = join(dir.path, 'data', 'parley.db')
    const storage = await openSqliteStorage(path)
    try {
      await writeSomething(storage)
      expect(await modeOf(join(dir.path, 'data'))).toBe(0o700)
      expect(await modeOf(path)).toBe(0o600)
      expect(await modeOf(`${path}-wal`)).toBe(0o600)
      expect(await modeOf(`${path}-shm`)).toBe(0o600)
    } finally {
      await storage.close()
    }
  })

  it('tightens a database file an earlier version left world-readable', async () => {
    const path = join(dir.path, 'parley.db')
    await writeFile(path, '')
    await chmod(path, 0o644)
    const storage = await openSqliteStorage(path)
    try {
      await writeSomething(storage)
      expect(await modeOf(path)).toBe(0o600)
      expect(await modeOf(`${path}-wal`)).toBe(0o600)
    } finally {
      await storage.close()
    }
  })

  it('writes a backup 0600 in a new folder 0700, and the copy opens', async () => {
    const storage = await openSqliteStorage(join(dir.path, 'parley.db'))
    const copy = join(dir.path, 'backups', 'copy.db')
    try {
      await writeSomething(storage)
      await storage.backup?.(copy)
    } finally {
      await storage.close()
    }
    expect(await modeOf(join(dir.path, 'backups'))).toBe(0o700)
    expect(await modeOf(copy)).toBe(0o600)
    const restored = await openSqliteStorage(copy)
    try {
      expect((await restored.users.getUserByKey('ann'))?.username).toBe('Ann')
    } finally {
      await restored.close()
    }
  })
})
