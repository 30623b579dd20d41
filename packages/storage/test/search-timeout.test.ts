/**
 * PostgreSQL: a search is bounded in time. A search that cannot finish (here: blocked behind an
 * exclusive lock another session holds on `posts`) is cancelled by its statement timeout and fails
 * with STORAGE_UNAVAILABLE, giving its pooled connection back, instead of waiting for ever.
 */
import { afterAll, expect, it } from 'vitest'
import { StorageErrorCode } from '../src/index.js'
import { dropSchema, freshSchemaName, openTestStorage, sharedAdmin } from './postgres-env.js'

const admins = sharedAdmin()
afterAll(() => admins.end())

it('PostgreSQL: a search that cannot finish is cancelled by its statement timeout', async () => {
  const admin = await admins.get()
  const schema = freshSchemaName()
  const storage = await openTestStorage(schema)
  const locker = await admin.connect()
  try {
    await storage.search.posts({ query: 'warm up', limit: 1 })
    await locker.query('BEGIN')
    await locker.query(`LOCK TABLE ${schema}.posts IN ACCESS EXCLUSIVE MODE`)
    // The lock is held until after this settles: only the statement timeout can end the search.
    const error = await storage.search.posts({ query: 'anything', limit: 5 }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      code: StorageErrorCode.Unavailable,
      message: 'the search took too long and was cancelled',
    })
    await locker.query('ROLLBACK')
    // The storage still works afterwards.
    expect(await storage.search.posts({ query: 'anything', limit: 5 })).toEqual([])
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined)
    locker.release()
    await storage.close()
    await dropSchema(admin, schema)
  }
}, 30_000)
