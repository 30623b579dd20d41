/**
 * The SQLite backend: one better-sqlite3 connection per Storage, in WAL mode so a board and a gateway
 * process can share the file (readers never block the single writer; writers queue on busy_timeout).
 * @module
 */
import Database from 'better-sqlite3'
import { latestSchemaVersion, migrations } from '../migrations/index.js'
import type { Storage } from '../types.js'
import { createSqliteAttachmentStore } from './attachments.js'
import { createSqliteAuditStore } from './audit.js'
import { createSqliteBlockStore } from './blocks.js'
import { checkSqlite } from './check.js'
import { toStorageError } from './errors.js'
import { preparePrivateFile } from './file-modes.js'
import { createSqliteLoginFailureStore } from './login-failures.js'
import { createSqliteMessageStore } from './messages.js'
import { migrateSqlite, sqliteSchemaVersion } from './migrate.js'
import { createSqliteModerationStore } from './moderation.js'
import { createSqliteNotificationStore } from './notifications.js'
import { createSqlitePasswordStore } from './passwords.js'
import { createSqlitePostStore } from './posts.js'
import { createSqlitePresenceStore } from './presence.js'
import { createSqliteReportStore } from './reports.js'
import { createRunner, type SqliteRunner } from './runner.js'
import { createSqliteSearchStore } from './search.js'
import { createSqliteSessionStore } from './sessions.js'
import { createSqliteUploadStore } from './uploads.js'
import { createSqliteUserStore } from './users.js'
import { offloadWrites, startWriteWorker } from './write-offload.js'

/** How long a writer waits for another process's write transaction before failing with STORAGE_UNAVAILABLE. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000

export interface SqliteStorageOptions {
  /**
   * Commit writes on a worker thread with its own connection (servers: the `fsync` of each commit
   * then never blocks the event loop). Default false: tests and tools write on the calling thread.
   */
  writeWorker?: boolean
}

/** Opens (creating the file and its directory when missing) and migrates a SQLite database. */
export async function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): Promise<Storage> {
  let db: Database.Database
  try {
    if (path !== ':memory:') await preparePrivateFile(path)
    db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
  } catch (error) {
    throw toStorageError(error)
  }
  const storage = await createSqliteStorage(db)
  if (!options.writeWorker || path === ':memory:') return storage
  try {
    return offloadWrites(storage, await startWriteWorker(path))
  } catch (error) {
    await storage.close()
    throw error
  }
}

/**
 * Wraps an already opened connection (tests use this to register fault-injection functions first).
 * Sets the pragmas, runs the migrations and takes ownership: `close()` closes the connection.
 */
export async function createSqliteStorage(
  db: Database.Database,
  options: { runner?: SqliteRunner } = {},
): Promise<Storage> {
  const run = options.runner ?? createRunner(db)
  try {
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
    db.pragma('journal_mode = WAL')
    // FULL: a committed (acknowledged) transaction survives power loss too, not only a process crash.
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    migrateSqlite(db, migrations)
  } catch (error) {
    db.close()
    throw toStorageError(error)
  }
  return {
    backend: 'sqlite',
    users: createSqliteUserStore(db, run),
    loginFailures: createSqliteLoginFailureStore(db, run),
    sessions: createSqliteSessionStore(db, run),
    passwords: createSqlitePasswordStore(db, run),
    posts: createSqlitePostStore(db, run),
    messages: createSqliteMessageStore(db, run),
    blocks: createSqliteBlockStore(db, run),
    presence: createSqlitePresenceStore(db, run),
    audit: createSqliteAuditStore(db, run),
    reports: createSqliteReportStore(db, run),
    moderation: createSqliteModerationStore(db, run),
    uploads: createSqliteUploadStore(db, run),
    attachments: createSqliteAttachmentStore(db, run),
    search: createSqliteSearchStore(db, run),
    notifications: createSqliteNotificationStore(db, run),
    migrate: () => run(() => migrateSqlite(db, migrations)),
    schemaVersion: () => run(() => ({ current: sqliteSchemaVersion(db), latest: latestSchemaVersion })),
    check: () => run(() => checkSqlite(db, latestSchemaVersion)),
    backup: async (destinationPath) => {
      try {
        await preparePrivateFile(destinationPath)
        await db.backup(destinationPath)
      } catch (error) {
        throw toStorageError(error, db.open)
      }
    },
    close: async () => {
      // Writes already queued are committed (or failed) first: a close never drops one silently.
      await run.drain()
      if (db.open) db.close()
    },
  }
}
