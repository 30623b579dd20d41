/**
 * Moves a SQLite storage's writes to a worker thread (`write-worker.ts`), which commits them in
 * batches on its own connection: the calling thread keeps serving reads and fan-out while the
 * worker waits for `fsync`. Calls made while a batch is being committed form the next batch, so a
 * busy server commits as often as the disk allows, with as many writes per commit as arrived.
 * Each caller's promise settles after its batch committed (or failed): acknowledgements stay durable.
 * @module
 */

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { createBatchQueue, type Settled } from '../batch-queue.js'
import { StorageError, StorageErrorCode } from '../errors.js'
import type { Storage } from '../types.js'
import { type SerializedError, type WorkerReply, type WriteCall, writeMethods } from './write-methods.js'

function revive(error: SerializedError): Error {
  const codes = Object.values(StorageErrorCode) as string[]
  if (error.name === 'StorageError' && error.code !== undefined && codes.includes(error.code)) {
    return new StorageError(error.code as StorageErrorCode, error.message)
  }
  const revived = new Error(error.message)
  revived.name = error.name
  if (error.code !== undefined) Object.assign(revived, { code: error.code })
  return revived
}

/** tsx's ESM API entry (`tsx/esm/api` under the `import` condition, which `require.resolve` cannot ask for). */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json')
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: { './esm/api': { import: { default: string } } }
  }
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api'].import.default)).href
}

/**
 * The worker thread, from the built JavaScript, or from the TypeScript sources (tsx, vitest): then
 * the thread first registers tsx's loader for itself, whatever loaders its parent has.
 */
function spawnWorker(path: string): Worker {
  const entry = new URL(`./write-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData: { path } })
  const tsx = tsxEsmApi()
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData: { path } })
}

export interface WriteWorker {
  call(call: WriteCall): Promise<unknown>
  close(): Promise<void>
}

export async function startWriteWorker(path: string): Promise<WriteWorker> {
  const worker = spawnWorker(path)
  const replies = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (error: unknown) => void }>()
  let nextId = 1
  let stopped: StorageError | null = null

  function stop(reason: string): void {
    stopped ??= new StorageError(StorageErrorCode.Unavailable, `the SQLite write worker stopped (${reason})`)
    for (const waiting of replies.values()) waiting.reject(stopped)
    replies.clear()
  }

  // The first message is the worker's 'ready', once its connection is open.
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      void worker.terminate()
      reject(
        new StorageError(StorageErrorCode.Unavailable, 'the SQLite write worker could not start', { cause: error }),
      )
    }
    const failOnExit = (code: number) => fail(new Error(`exit code ${code}`))
    worker.once('message', () => {
      worker.off('error', fail)
      worker.off('exit', failOnExit)
      resolve()
    })
    worker.once('error', fail)
    worker.once('exit', failOnExit)
  })
  worker.on('message', (reply: WorkerReply) => {
    const waiting = replies.get(reply.id)
    replies.delete(reply.id)
    waiting?.resolve(reply)
  })
  worker.on('error', (error) => stop(error.message))
  worker.on('exit', (code) => stop(`exit code ${code}`))

  const queue = createBatchQueue<WriteCall, unknown>({
    async flush(calls): Promise<Settled<unknown>[]> {
      if (stopped) throw stopped
      const id = nextId++
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        replies.set(id, { resolve, reject })
        worker.postMessage({ id, calls })
      })
      if ('error' in reply) throw revive(reply.error)
      return reply.outcomes.map((o) => (o.ok ? o : { ok: false, error: revive(o.error) }))
    },
  })

  return {
    call: (call) => queue.push(call),
    async close() {
      await queue.drain()
      stop('closed')
      await worker.terminate()
    },
  }
}

/** `storage` with every write method of `writeMethods` sent to `worker`; closing closes both. */
export function offloadWrites(storage: Storage, worker: WriteWorker): Storage {
  const stores: Record<string, unknown> = {}
  for (const [store, methods] of Object.entries(writeMethods)) {
    const original = (storage as unknown as Record<string, Record<string, unknown>>)[store]
    if (!original) continue
    const wrapped: Record<string, unknown> = { ...original }
    for (const method of methods ?? []) {
      wrapped[method] = (...args: unknown[]) => worker.call({ store, method, args })
    }
    stores[store] = wrapped
  }
  return {
    ...storage,
    ...stores,
    close: async () => {
      await worker.close()
      await storage.close()
    },
  } as Storage
}
