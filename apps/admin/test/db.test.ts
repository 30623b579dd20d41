import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openSqliteStorage } from '@parley/storage'
import { describe, expect, it } from 'vitest'
import { ctx, runAdmin, seedUsers, useTempDatabase } from './helpers.js'

useTempDatabase()

describe('pnpm parley db', () => {
  it('db migrate creates the database at DATABASE_PATH and reports the schema version', async () => {
    const result = await runAdmin(['db', 'migrate'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^${ctx.dbPath}: schema at version (\\d+) \\(latest \\1\\)\\.\\n$`))
    expect((await stat(ctx.dbPath)).isFile()).toBe(true)
  })

  it('db check says OK for a sound database', async () => {
    await seedUsers('alice')
    const result = await runAdmin(['db', 'check'])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(/: OK \(schema version \d+ of \d+\)\.\n$/)
  })

  it('db check exits 1 on a file that is not a database', async () => {
    await writeFile(ctx.dbPath, 'this is not a SQLite database, just text that is long enough to be read'.repeat(20))
    const result = await runAdmin(['db', 'check'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`Cannot open ${ctx.dbPath}: file is not a database\n`)
  })

  it('db backup writes a consistent copy that opens with the same users', async () => {
    await seedUsers('alice', 'bob')
    const copy = join(ctx.dir, 'backups', 'copy.db')
    const result = await runAdmin(['db', 'backup', 'backups/copy.db'])
    expect(result).toMatchObject({ code: 0, stdout: `Backed up ${ctx.dbPath} to ${copy}.\n` })
    const storage = await openSqliteStorage(copy)
    try {
      expect((await storage.users.listUsers()).map((u) => u.username)).toEqual(['alice', 'bob'])
    } finally {
      await storage.close()
    }
    const again = await runAdmin(['db', 'backup', 'backups/copy.db'])
    expect(again).toMatchObject({ code: 1, stderr: `${copy} exists; pass --force to overwrite it.\n` })
    expect((await runAdmin(['db', 'backup', 'backups/copy.db', '--force'])).code).toBe(0)
  })

  it('db backup refuses PostgreSQL with the pg_dump hint', async () => {
    const result = await runAdmin(['db', 'backup', 'x.dump'], { env: { DATABASE_URL: 'postgres://127.0.0.1/test' } })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('pg_dump')
  })
})
