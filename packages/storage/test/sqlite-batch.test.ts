/**
 * Group commit on SQLite: the writes of one event-loop turn share one transaction, each caller
 * still gets its own outcome, a failed batch fails every caller in it, and a SIGKILL during a
 * burst loses nothing that was acknowledged.
 */
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStorage, StorageError, StorageErrorCode } from '../src/index.js'
import { createRunner } from '../src/sqlite/runner.js'
import { startFixture } from './child-process.js'
import { useTempSqliteFile } from './temp-dir.js'

const file = useTempSqliteFile()
const open: Database.Database[] = []
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
})

function rawDb(busyTimeoutMs = 5000): Database.Database {
  const db = new Database(file.path, { timeout: busyTimeoutMs })
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)')
  open.push(db)
  return db
}

describe('SQLite group commit', () => {
  it('commits the writes of one turn in one transaction, each caller getting its own result', async () => {
    const db = rawDb()
    const reader = rawDb()
    const run = createRunner(db)
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, v) VALUES (?, ?)')
    const countHere = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM t')
    const countElsewhere = reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM t')
    const seen: { here: number; elsewhere: number }[] = []
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        run.write(() => {
          insert.run(`k${index}`, index)
          // Inside one transaction: this connection sees the batch so far, another sees nothing yet.
          seen.push({ here: countHere.get()!.n, elsewhere: countElsewhere.get()!.n })
          return index * 10
        }),
      ),
    )
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 10))
    expect(seen.map((s) => s.here)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1))
    expect(seen.every((s) => s.elsewhere === 0)).toBe(true)
    expect(countElsewhere.get()!.n).toBe(20)
  })

  it('a write that fails is undone alone and fails only its own caller', async () => {
    const db = rawDb()
    const run = createRunner(db)
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, v) VALUES (?, ?)')
    const outcomes = await Promise.allSettled([
      run.write(() => insert.run('a', 1).changes),
      run.write(() => {
        insert.run('b', 2)
        insert.run('a', 3) // duplicate key: this whole item must vanish, 'b' included
      }),
      run.write(() => insert.run('c', 4).changes),
    ])
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 1 })
    expect(outcomes[1]?.status).toBe('rejected')
    const reason = (outcomes[1] as PromiseRejectedResult).reason
    expect(reason).toBeInstanceOf(StorageError)
    expect((reason as StorageError).code).toBe(StorageErrorCode.Conflict)
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 1 })
    expect(db.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual(['a', 'c'])
  })

  it('a batch that cannot commit fails each of its callers, and the next batch works again', async () => {
    const db = rawDb(50)
    const other = rawDb()
    const run = createRunner(db)
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, v) VALUES (?, ?)')
    other.exec('BEGIN IMMEDIATE') // another process holds the write lock past our busy timeout
    const outcomes = await Promise.allSettled(['x', 'y', 'z'].map((k) => run.write(() => insert.run(k, 1))))
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      expect(((outcome as PromiseRejectedResult).reason as StorageError).code).toBe(StorageErrorCode.Unavailable)
    }
    other.exec('ROLLBACK')
    expect(db.inTransaction).toBe(false)
    await run.write(() => insert.run('x', 2))
    expect(db.prepare('SELECT k, v FROM t').all()).toEqual([{ k: 'x', v: 2 }])
  })

  it('close waits for queued writes instead of dropping them', async () => {
    const storage = await openSqliteStorage(file.path)
    const user = storage.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: 1 })
    await storage.close()
    expect((await user).username).toBe('Ann')
    const reopened = await openSqliteStorage(file.path)
    expect((await reopened.users.getUserByKey('ann'))?.username).toBe('Ann')
    await reopened.close()
  })

  it('SIGKILL during a burst of batched writes loses no acknowledged message and stores none twice', async () => {
    const storage = await openSqliteStorage(file.path)
    const make = (name: string) =>
      storage.users.createUser({ username: name, usernameKey: name.toLowerCase(), passwordHash: 'h', createdAt: 1 })
    const [ann, bob] = [await make('Ann'), await make('Bob')]
    await storage.close()

    const child = startFixture('burst-child.ts', [file.path, String(ann.id), String(bob.id)])
    try {
      await child.waitForLine((line) => line.startsWith('acked b20-'))
    } finally {
      child.process.kill('SIGKILL')
    }
    expect(await child.exited).toBe('SIGKILL')
    const acked = child.lines.filter((line) => line.startsWith('acked ')).map((line) => line.split(' '))
    expect(acked.length).toBeGreaterThan(1000)

    const reopened = await openSqliteStorage(file.path)
    expect(await reopened.check()).toEqual([])
    await reopened.close()
    const rows = file.withRawDb((db) =>
      db.prepare<[], { id: number; clientId: string }>('SELECT id, client_id AS clientId FROM messages').all(),
    )
    const stored = new Map(rows.map((row) => [row.id, row.clientId] as const))
    for (const [, clientId, id] of acked) expect(stored.get(Number(id))).toBe(clientId)
    // Each client id once (the unique key guarantees it; this checks nothing was stored under two ids).
    expect(new Set(stored.values()).size).toBe(stored.size)
  })
})
