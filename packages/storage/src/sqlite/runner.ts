/**
 * How SQLite stores run their synchronous driver work behind the async interface: reads at once,
 * writes by group commit. With `synchronous = FULL` every COMMIT waits for an `fsync` (~6 ms on a
 * virtual disk) on the event-loop thread, so the writes queued within one turn (every frame and
 * request read from the sockets in that turn) share one transaction and one `fsync`. Each write runs
 * in its own SAVEPOINT: one that throws is undone alone and fails only its caller; a batch whose
 * BEGIN or COMMIT fails fails every caller in it. A caller's promise settles only after COMMIT.
 * @module
 */
import type { Database } from 'better-sqlite3'
import { createBatchQueue, type Settled } from '../batch-queue.js'
import { StorageError, StorageErrorCode } from '../errors.js'
import { toStorageError } from './errors.js'

export interface SqliteRunner {
  /** Runs read-only work now. */
  <T>(work: () => T): Promise<T>
  /**
   * Runs work that writes, committed together with the other writes of this event-loop turn.
   * `work` must be synchronous and may use nested `db.transaction` functions (they become savepoints).
   */
  write<T>(work: () => T): Promise<T>
  /** Resolves once every write queued so far has settled (close waits for it). */
  drain(): Promise<void>
}

type Work = () => unknown

/** Commits batches of work, each in a single IMMEDIATE transaction, with one savepoint per item. */
export function createBatchCommitter(db: Database): (works: Work[]) => Settled<unknown>[] {
  const begin = db.prepare('BEGIN IMMEDIATE')
  const savepoint = db.prepare('SAVEPOINT parley_write')
  const release = db.prepare('RELEASE parley_write')
  const rollbackTo = db.prepare('ROLLBACK TO parley_write')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')

  return (works) => {
    if (!db.open) throw new StorageError(StorageErrorCode.Unavailable, 'the SQLite database is closed')
    try {
      begin.run()
    } catch (error) {
      throw toStorageError(error, db.open)
    }
    const outcomes: Settled<unknown>[] = []
    try {
      for (const work of works) {
        savepoint.run()
        try {
          const value = work()
          release.run()
          outcomes.push({ ok: true, value })
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll the whole transaction back by itself: then
          // the earlier items are undone too, and the batch fails as a whole.
          if (!db.inTransaction) throw error
          rollbackTo.run()
          release.run()
          outcomes.push({ ok: false, error: toStorageError(error, db.open) })
        }
      }
      commit.run()
    } catch (error) {
      if (db.open && db.inTransaction) rollback.run()
      throw toStorageError(error, db.open)
    }
    return outcomes
  }
}

export function createRunner(db: Database): SqliteRunner {
  const queue = createBatchQueue<Work, unknown>({ flush: createBatchCommitter(db) })

  const run = async <T>(work: () => T): Promise<T> => {
    try {
      return work()
    } catch (error) {
      throw toStorageError(error, db.open)
    }
  }
  return Object.assign(run, {
    write: <T>(work: () => T) => queue.push(work) as Promise<T>,
    drain: () => queue.drain(),
  })
}
