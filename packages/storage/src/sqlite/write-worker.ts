/**
 * The SQLite write worker's entry point: a thread that owns a second connection to the database
 * file and commits the calling thread's writes in batches, so that neither the statements nor the
 * `fsync` of each COMMIT block the event loop that serves users. It runs the very store code the
 * calling thread runs (`createSqliteStorage`), with a runner that executes each write at once
 * inside the batch's transaction and hands its outcome back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { Settled } from '../batch-queue.js'
import { createBatchCommitter, type SqliteRunner } from './runner.js'
import { createSqliteStorage, SQLITE_BUSY_TIMEOUT_MS } from './storage.js'
import type { SerializedError, WorkerReply, WriteCall } from './write-methods.js'

const port = parentPort
if (!port) throw new Error('write-worker.ts runs as a worker thread only')
const { path } = workerData as { path: string }

let captured: Settled<unknown> | undefined
// Writes run at once: the worker's caller (`commitBatch` below) has already opened the transaction
// and the item's savepoint.
const runNow: SqliteRunner = Object.assign(async <T>(work: () => T) => work(), {
  write<T>(work: () => T): Promise<T> {
    try {
      const value = work()
      captured = { ok: true, value }
      return Promise.resolve(value)
    } catch (error) {
      captured = { ok: false, error }
      return Promise.reject(error)
    }
  },
  drain: async () => {},
})

const db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
const storage = await createSqliteStorage(db, { runner: runNow })
const stores = storage as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>
const commitBatch = createBatchCommitter(db)

function invoke(call: WriteCall): unknown {
  const method = stores[call.store]?.[call.method]
  if (typeof method !== 'function') throw new TypeError(`no storage method ${call.store}.${call.method}`)
  captured = undefined
  method.apply(stores[call.store], call.args).catch(() => {}) // its outcome is `captured`
  const outcome = captured as Settled<unknown> | undefined
  captured = undefined
  if (!outcome) throw new Error(`${call.store}.${call.method} did not write synchronously`)
  if (!outcome.ok) throw outcome.error
  return outcome.value
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const code = (error as { code?: unknown }).code
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) }
}

port.on('message', ({ id, calls }: { id: number; calls: WriteCall[] }) => {
  let reply: WorkerReply
  try {
    const outcomes = commitBatch(calls.map((call) => () => invoke(call)))
    reply = { id, outcomes: outcomes.map((o) => (o.ok ? o : { ok: false, error: serialize(o.error) })) }
  } catch (error) {
    reply = { id, error: serialize(error) }
  }
  port.postMessage(reply)
})
port.postMessage('ready')
