import { openPostgresStorage } from './postgres/storage.js'
import { openSqliteStorage } from './sqlite/storage.js'
import type { Storage } from './types.js'

export interface StorageOptions {
  /** 'postgres://…' (or 'postgresql://…') selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string
  /** Default 'data/parley.db', relative to the working directory. */
  sqlitePath?: string
  /** PostgreSQL only: the schema to use (created when missing), e.g. one per test run. Default: the server's search_path. */
  schema?: string
  /** SQLite only: commit writes on a worker thread, off the event loop (what the servers use). Default false. */
  writeWorker?: boolean
}

export const DEFAULT_SQLITE_PATH = 'data/parley.db'

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url)
}

/** Opens the configured backend and brings its schema up to date before returning. */
export async function openStorage(options: StorageOptions = {}): Promise<Storage> {
  if (isPostgresUrl(options.databaseUrl)) {
    return openPostgresStorage({ url: options.databaseUrl!, ...(options.schema ? { schema: options.schema } : {}) })
  }
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    throw new TypeError(`databaseUrl must start with postgres:// (got ${options.databaseUrl.split(':')[0]}:…)`)
  }
  return openSqliteStorage(options.sqlitePath ?? DEFAULT_SQLITE_PATH, { writeWorker: options.writeWorker ?? false })
}
