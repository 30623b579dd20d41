import pg from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { latestSchemaVersion, openStorage, type Storage, StorageErrorCode } from '../src/index.js'
import { migrations } from '../src/migrations/index.js'
import { createPgDb } from '../src/postgres/client.js'
import { migratePostgres } from '../src/postgres/migrate.js'
import { expectStorageError } from './expect-storage-error.js'
import { databaseUrl, dropSchema, freshSchemaName, openTestStorage, sharedAdmin } from './postgres-env.js'

const T0 = 1_700_000_000_000
const admins = sharedAdmin()
let admin: pg.Pool
let schema: string
const opened: Storage[] = []

async function open(extra: Parameters<typeof openTestStorage>[1] = {}): Promise<Storage> {
  const storage = await openTestStorage(schema, extra)
  opened.push(storage)
  return storage
}

afterAll(() => admins.end())
beforeEach(async () => {
  admin = await admins.get()
  schema = freshSchemaName()
})
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close()
  if (admin) await dropSchema(admin, schema)
})

describe('PostgreSQL: selection, schema and migrations', () => {
  it('openStorage picks PostgreSQL for a postgres:// URL and creates the schema', async () => {
    const storage = await openStorage({ databaseUrl, schema })
    opened.push(storage)
    expect(storage.backend).toBe('postgres')
    const { rows } = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [
      schema,
    ])
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['users', 'sessions', 'posts', 'messages', 'blocks', 'presence', 'schema_migrations']),
    )
  })

  it('keeps both migration lists on the same numbers', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, i) => i + 1))
    for (const migration of migrations) {
      expect(migration.sqlite.trim()).not.toBe('')
      expect(migration.postgres.trim()).not.toBe('')
    }
  })

  it('lets several processes migrate a fresh schema at once, each migration applied once', async () => {
    await Promise.all([open(), open(), open()])
    const { rows } = await admin.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)
    expect(rows.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version))
  })

  it('upgrades a schema left at the previous version, keeping its rows', async () => {
    const db = createPgDb(new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}` }))
    await migratePostgres(db, schema, migrations.slice(0, -1))
    await db.query(
      `INSERT INTO users (username, username_key, password_hash, created_at) VALUES ('Old', 'old', 'h', $1)`,
      [T0],
    )
    await db.end()
    const storage = await open()
    expect(await storage.schemaVersion()).toEqual({ current: latestSchemaVersion, latest: latestSchemaVersion })
    const old = await storage.users.getUserByKey('old')
    await storage.posts.createPost(old!.id, 'on the new tables', T0)
    expect(await storage.check()).toEqual([])
  })

  it('refuses a schema migrated by a newer build', async () => {
    await open()
    await admin.query(`INSERT INTO ${schema}.schema_migrations VALUES ($1, 'future', $2)`, [
      latestSchemaVersion + 1,
      T0,
    ])
    const error = await openTestStorage(schema).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: StorageErrorCode.Unavailable, message: expect.stringMatching(/newer/) })
  })

  it('check() reports rows that break the rules', async () => {
    const storage = await open()
    const client = await admin.connect()
    try {
      // A replica-role session skips foreign-key triggers, as a careless restore might.
      await client.query('SET session_replication_role = replica')
      await client.query(`INSERT INTO ${schema}.sessions VALUES ('orphan', 4242, $1, $1, $2, NULL, NULL)`, [T0, T0 + 1])
    } finally {
      await client.query('RESET session_replication_role')
      client.release()
    }
    expect(await storage.check()).toEqual(['1 sessions of users that do not exist'])
  })

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(openTestStorage('x; DROP TABLE users')).rejects.toBeInstanceOf(TypeError)
  })

  it('fails with STORAGE_UNAVAILABLE naming PostgreSQL when the server cannot be reached', async () => {
    const url = new URL(databaseUrl)
    url.port = '1'
    const error = await openStorage({ databaseUrl: url.toString(), schema }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: StorageErrorCode.Unavailable, message: expect.stringMatching(/PostgreSQL/) })
  })

  it('answers STORAGE_UNAVAILABLE while its connections are cut, then recovers by itself', async () => {
    const applicationName = `parley_cut_${schema.slice(-12)}`
    const poolErrors: Error[] = []
    const storage = await open({ applicationName, onPoolError: (error) => poolErrors.push(error) })
    await storage.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: T0 })
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    )
    expect(rows.length).toBeGreaterThan(0)
    const failures: unknown[] = []
    let users: unknown[] | null = null
    for (let tries = 0; users === null && tries < 50; tries++) {
      users = await storage.users.listUsers().catch((error: unknown) => {
        failures.push(error)
        return null
      })
    }
    expect(users).toHaveLength(1)
    for (const failure of failures) expect(failure).toMatchObject({ code: StorageErrorCode.Unavailable })
  })

  it('answers STORAGE_UNAVAILABLE after close', async () => {
    const storage = await openTestStorage(schema)
    await storage.close()
    await expectStorageError(storage.posts.listPosts({ limit: 1 }), StorageErrorCode.Unavailable)
  })
})
