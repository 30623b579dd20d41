/** Migration 006 indexes the posts and messages written before it, on both backends. */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteStorage, type Storage } from '../src/index.js'
import { migrations } from '../src/migrations/index.js'
import { createPgDb } from '../src/postgres/client.js'
import { migratePostgres } from '../src/postgres/migrate.js'
import { migrateSqlite } from '../src/sqlite/migrate.js'
import { databaseUrl, dropSchema, freshSchemaName, openTestStorage, sharedAdmin } from './postgres-env.js'
import { useTempSqliteFile } from './temp-dir.js'

const T0 = 1_700_000_000_000
const beforeSearch = migrations.filter((migration) => migration.version < 6)
const seed = [
  `INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES (1, 'ann', 'ann', 'h', ${T0})`,
  `INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES (2, 'bob', 'bob', 'h', ${T0})`,
  `INSERT INTO posts (author_id, body, created_at) VALUES (1, 'written before search existed: a zeppelin', ${T0})`,
  `INSERT INTO messages (sender_id, recipient_id, client_id, body, created_at) VALUES (2, 1, 'c1', 'an old zeppelin note', ${T0})`,
]

async function expectOldRowsFound(storage: Storage): Promise<void> {
  const posts = await storage.search.posts({ query: 'zeppelin', limit: 5 })
  expect(posts.map((hit) => hit.authorName)).toEqual(['ann'])
  const messages = await storage.search.messages(1, { query: 'zeppelin', limit: 5 })
  expect(messages.map((hit) => hit.senderName)).toEqual(['bob'])
  // The triggers / generated columns keep working for the old rows.
  const [post] = await storage.posts.listPosts({ limit: 1 })
  await storage.posts.updatePost(post!.id, 1, 'now about a blimp', T0 + 1)
  expect(await storage.search.posts({ query: 'zeppelin', limit: 5 })).toEqual([])
  expect(await storage.search.posts({ query: 'blimp', limit: 5 })).toHaveLength(1)
  expect(await storage.check()).toEqual([])
}

describe('migration 006 (search)', () => {
  const file = useTempSqliteFile()
  it('SQLite: indexes the rows that existed before it', async () => {
    file.withRawDb((db) => {
      migrateSqlite(db, beforeSearch)
      for (const statement of seed) db.prepare(statement).run()
    })
    const storage = await openSqliteStorage(file.path)
    try {
      await expectOldRowsFound(storage)
    } finally {
      await storage.close()
    }
  })

  const admins = sharedAdmin()
  afterAll(() => admins.end())
  it('PostgreSQL: indexes the rows that existed before it', async () => {
    const admin = await admins.get()
    const schema = freshSchemaName()
    const db = createPgDb(new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}` }))
    let storage: Storage | undefined
    try {
      await migratePostgres(db, schema, beforeSearch)
      for (const statement of seed) await db.query(statement)
      await db.end()
      storage = await openTestStorage(schema)
      await expectOldRowsFound(storage)
    } finally {
      await db.end()
      await storage?.close()
      await dropSchema(admin, schema)
    }
  })
})
