/**
 * A process killed with SIGKILL in the middle of a multi-step change leaves no trace of it: the
 * child freezes inside the transaction (a trigger calls its `crash_point`), the test kills it, and
 * the reopened database is sound and holds either the whole change or none of it.
 */
import { describe, expect, it } from 'vitest'
import { openSqliteStorage, type Storage } from '../src/index.js'
import { startFixture } from './child-process.js'
import { useTempSqliteFile } from './temp-dir.js'

const T0 = 1_700_000_000_000
const file = useTempSqliteFile()

/** Installs `triggerSql` (which calls crash_point), runs the operation in a child, kills it there, drops the trigger. */
async function killMidway(triggerName: string, triggerSql: string, operation: string[]): Promise<void> {
  file.withRawDb((db) => db.exec(triggerSql))
  const child = startFixture('crash-child.ts', [file.path, ...operation])
  try {
    await child.waitForLine((line) => line.startsWith('crash-point'))
  } finally {
    child.process.kill('SIGKILL')
  }
  expect(await child.exited).toBe('SIGKILL')
  expect(child.lines).not.toContain('finished')
  file.withRawDb((db) => db.exec(`DROP TRIGGER ${triggerName}`))
}

async function seed(): Promise<{ storage: Storage; ann: number; bob: number }> {
  const storage = await openSqliteStorage(file.path)
  const make = (username: string) =>
    storage.users.createUser({ username, usernameKey: username.toLowerCase(), passwordHash: 'h', createdAt: T0 })
  const ann = (await make('Ann')).id
  const bob = (await make('Bob')).id
  return { storage, ann, bob }
}

describe('SQLite: a crash between steps leaves no half-written state', () => {
  it('deleting a user, killed mid-cascade, leaves the user and everything it owns intact', async () => {
    const { storage, ann, bob } = await seed()
    const posts = [await storage.posts.createPost(ann, 'one', T0), await storage.posts.createPost(ann, 'two', T0)]
    await storage.sessions.createSession({
      tokenHash: 'ann-token',
      userId: ann,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 1000,
      userAgent: null,
      ip: null,
    })
    await storage.blocks.block(ann, bob)
    await storage.messages.storeMessage({ senderId: ann, recipientId: bob, clientId: 'm1', body: 'x', createdAt: T0 })
    await storage.close()

    // Fires once the user row is gone and the first post is being anonymised.
    await killMidway(
      'crash_mid_delete',
      `CREATE TRIGGER crash_mid_delete AFTER UPDATE OF author_id ON posts BEGIN SELECT crash_point('post-anonymised'); END`,
      ['delete-user', String(ann)],
    )

    const reopened = await openSqliteStorage(file.path)
    expect(await reopened.check()).toEqual([])
    expect((await reopened.users.getUserById(ann))?.username).toBe('Ann')
    expect(await reopened.posts.listPosts({ limit: 10 })).toEqual([...posts].reverse())
    expect(await reopened.sessions.getSession('ann-token')).not.toBeNull()
    expect(await reopened.blocks.blockedBy(ann)).toEqual([bob])
    expect((await reopened.messages.pendingMessages(bob))[0]?.senderName).toBe('Ann')
    // And the change can be made again, completely.
    await reopened.users.deleteUser(ann)
    expect((await reopened.posts.listPosts({ limit: 10 })).map((post) => post.authorName)).toEqual([null, null])
    expect(await reopened.check()).toEqual([])
    await reopened.close()
  })

  it('storing a message, killed before commit, stores nothing; the resend is stored as new', async () => {
    const { storage, ann, bob } = await seed()
    await storage.close()
    await killMidway(
      'crash_after_message',
      `CREATE TRIGGER crash_after_message AFTER INSERT ON messages BEGIN SELECT crash_point('message-inserted'); END`,
      ['store-message', String(ann), String(bob), 'c-1'],
    )
    const reopened = await openSqliteStorage(file.path)
    expect(await reopened.check()).toEqual([])
    expect(await reopened.messages.countPending()).toBe(0)
    const resend = await reopened.messages.storeMessage({
      senderId: ann,
      recipientId: bob,
      clientId: 'c-1',
      body: 'again',
      createdAt: T0,
    })
    expect(resend.duplicate).toBe(false)
    await reopened.close()
  })

  it('counting a login attempt, killed before commit, counts nothing', async () => {
    const { storage, ann } = await seed()
    await storage.close()
    await killMidway(
      'crash_after_attempt',
      `CREATE TRIGGER crash_after_attempt AFTER INSERT ON login_failures BEGIN SELECT crash_point('attempt-written'); END`,
      ['register-attempt', String(ann)],
    )
    const reopened = await openSqliteStorage(file.path)
    expect(await reopened.check()).toEqual([])
    expect(await reopened.loginFailures.getLoginState(ann, Date.now())).toEqual({ attempt: 0, lockedUntil: null })
    await reopened.close()
  })

  it('a migration killed after its DDL but before commit is not applied, and runs fully next time', async () => {
    file.withRawDb((db) =>
      db.exec(
        `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
      ),
    )
    await killMidway(
      'crash_in_migration',
      `CREATE TRIGGER crash_in_migration AFTER INSERT ON schema_migrations BEGIN SELECT crash_point('migration-recorded'); END`,
      ['open'],
    )
    const tables = file.withRawDb((db) =>
      db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all(),
    )
    expect(tables.map((table) => table.name)).toEqual(['schema_migrations'])
    const reopened = await openSqliteStorage(file.path)
    const version = await reopened.schemaVersion()
    expect(version.current).toBe(version.latest)
    expect(await reopened.check()).toEqual([])
    await reopened.close()
  })
})
