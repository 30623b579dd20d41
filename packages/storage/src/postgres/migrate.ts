import { StorageError, StorageErrorCode } from '../errors.js'
import type { Migration } from '../migrations/index.js'
import type { PgDb, Queryable } from './client.js'

/**
 * Every step holds a transaction-level advisory lock keyed by the schema, so processes starting
 * together apply each migration once, one after the other; the migration and its
 * `schema_migrations` row commit together (PostgreSQL DDL is transactional).
 */
async function lockMigrations(tx: Queryable, schema: string | null): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('parley-migrate:' || coalesce($1, current_schema())))`, [
    schema,
  ])
}

async function currentVersion(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')
  return row?.version ?? 0
}

export async function postgresSchemaVersion(db: PgDb): Promise<number> {
  return currentVersion(db)
}

/** `schema` has been validated as a plain identifier by the caller. */
export async function migratePostgres(
  db: PgDb,
  schema: string | null,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): Promise<void> {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0)
  await db.transaction(async (tx) => {
    await lockMigrations(tx, schema)
    if (schema !== null) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`)
    const current = await currentVersion(tx)
    if (current > latest) {
      throw new StorageError(
        StorageErrorCode.Unavailable,
        `database schema version ${current} is newer than this build knows (${latest}): upgrade Parley`,
      )
    }
  })
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      await lockMigrations(tx, schema)
      const applied = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version])
      if (applied.length > 0) return
      await tx.query(migration.postgres)
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now(),
      ])
    })
  }
}
