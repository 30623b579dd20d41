import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { openSqliteStorage } from '../src/index.js'
import { runStorageContract } from './contract.js'
import { makeTempDir } from './temp-dir.js'

let dir: Awaited<ReturnType<typeof makeTempDir>>
let counter = 0
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

runStorageContract('sqlite', () => openSqliteStorage(join(dir.path, `contract-${++counter}`, 'parley.db')))
// Again with the writes committed on the SQLite write worker, as the servers run.
runStorageContract('sqlite with write worker', () =>
  openSqliteStorage(join(dir.path, `contract-${++counter}`, 'parley.db'), { writeWorker: true }),
)
