import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { latestSchemaVersion, openSqliteStorage, openStorage, StorageErrorCode } from '../src/index.js'
import { migrations } from '../src/migrations/index.js'
import { migrateSqlite } from '../src/sqlite/migrate.js'
import { startFixture } from './child-process.js'
import { expectStorageError } from './expect-storage-error.js'
import { useTempSqliteFile } from './temp-dir.js'

const T0 = 1_700_000_000_000
const file = useTempSqliteFile()

describe('SQLite: file, pragmas and migrations', () => {
  it('creates the directory and a WAL-mode file with every migration recorded once', async () => {
    const nested = join(file.dir, 'a', 'b', 'parley.db')
    const storage = await openStorage({ sqlitePath: nested })
    expect(storage.backend).toBe('sqlite')
    await storage.close()
    const [mode, recorded] = file.withRawDb(
      (db) => [
        db.pragma('journal_mode', { simple: true }),
        db.prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version').all(),
      ],
      nested,
    )
    expect(mode).toBe('wal')
    expect(recorded.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version))
  })

  it('reopening runs no migration twice and keeps the data', async () => {
    const first = await openSqliteStorage(file.path)
    await first.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: T0 })
    await first.close()
    const second = await openSqliteStorage(file.path)
    await second.migrate()
    expect(await second.schemaVersion()).toEqual({ current: latestSchemaVersion, latest: latestSchemaVersion })
    expect((await second.users.listUsers()).map((user) => user.username)).toEqual(['Ann'])
    await second.close()
    const count = file.withRawDb((db) =>
      db.prepare<[], { n: number }>('SELECT count(*) AS n FROM schema_migrations').get(),
    )
    expect(count?.n).toBe(migrations.length)
  })

  it('upgrades a database left at the previous version, keeping its rows', async () => {
    const previous = migrations.slice(0, -1)
    file.withRawDb((db) => {
      migrateSqlite(db, previous)
      db.prepare(
        `INSERT INTO users (username, username_key, password_hash, created_at) VALUES ('Old', 'old', 'h', ${T0})`,
      ).run()
    })
    const storage = await openSqliteStorage(file.path)
    expect(await storage.schemaVersion()).toEqual({ current: latestSchemaVersion, latest: latestSchemaVersion })
    const old = await storage.users.getUserByKey('old')
    expect(old?.username).toBe('Old')
    await storage.posts.createPost(old!.id, 'works on the new tables', T0)
    expect(await storage.check()).toEqual([])
    await storage.close()
  })

  it('two processes opening a fresh file at once both migrate it safely', async () => {
    const children = [1, 2].map(() => startFixture('crash-child.ts', [file.path, 'open']))
    for (const child of children) expect(await child.exited, child.stderr()).toBe(0)
    for (const child of children) expect(child.lines).toContain('finished')
    const storage = await openSqliteStorage(file.path)
    expect(await storage.check()).toEqual([])
    await storage.close()
  })

  it('refuses a database migrated by a newer build', async () => {
    await (await openSqliteStorage(file.path)).close()
    file.withRawDb((db) =>
      db.exec(`INSERT INTO schema_migrations VALUES (${latestSchemaVersion + 1}, 'future', ${T0})`),
    )
    const error = await openSqliteStorage(file.path).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: StorageErrorCode.Unavailable, message: expect.stringMatching(/newer/) })
  })

  it('check() reports rows that break the rules', async () => {
    await (await openSqliteStorage(file.path)).close()
    file.withRawDb((db) => {
      db.pragma('foreign_keys = OFF')
      db.exec(
        `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip) VALUES ('orphan', 4242, ${T0}, ${T0}, ${T0 + 1}, NULL, NULL)`,
      )
    })
    const storage = await openSqliteStorage(file.path)
    const problems = await storage.check()
    expect(problems).toContain('1 sessions of users that do not exist')
    expect(problems.some((problem) => problem.startsWith('foreign key: sessions'))).toBe(true)
    await storage.close()
  })

  it('fails with STORAGE_UNAVAILABLE when the file cannot be opened', async () => {
    await mkdir(file.path) // a directory where the database file should be
    await expectStorageError(openSqliteStorage(file.path), StorageErrorCode.Unavailable)
  })

  it('rejects a database URL that is neither empty nor PostgreSQL', async () => {
    await expect(openStorage({ databaseUrl: 'mysql://localhost/db' })).rejects.toThrow(/postgres/)
  })

  it('backs up online to a file that opens with the same data', async () => {
    const storage = await openSqliteStorage(file.path)
    await storage.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: T0 })
    const copyPath = join(file.dir, 'backups', 'copy.db')
    await storage.backup!(copyPath)
    await storage.close()
    const copy = await openSqliteStorage(copyPath)
    expect((await copy.users.listUsers()).map((user) => user.username)).toEqual(['Ann'])
    expect(await copy.check()).toEqual([])
    await copy.close()
  })
})
