import type { Database } from 'better-sqlite3'
import { StorageError, StorageErrorCode } from '../errors.js'
import type { Migration } from '../migrations/index.js'

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`

export function sqliteSchemaVersion(db: Database): number {
  db.exec(createMigrationsTable)
  const row = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations').get()
  return row?.version ?? 0
}

/**
 * Applies the migrations this database lacks, each in its own IMMEDIATE transaction together with
 * its `schema_migrations` row: a crash mid-way leaves the previous version intact, and a second
 * process migrating at the same time waits, then sees the version recorded and skips it.
 */
export function migrateSqlite(db: Database, migrations: readonly Migration[], now: () => number = Date.now): void {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0)
  const current = sqliteSchemaVersion(db)
  if (current > latest) {
    throw new StorageError(
      StorageErrorCode.Unavailable,
      `database schema version ${current} is newer than this build knows (${latest}): upgrade Parley`,
    )
  }
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?')
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  const apply = db.transaction((migration: Migration) => {
    if (isApplied.get(migration.version)) return
    db.exec(migration.sqlite)
    record.run(migration.version, migration.name, now())
  })
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    apply.immediate(migration)
  }
}
