/** PostgreSQL for tests: the server from DATABASE_URL (default: the local one), one fresh schema per storage. */
import pg from 'pg'
import { openPostgresStorage, type PostgresStorageOptions, type Storage } from '../src/index.js'

export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let counter = 0
/** Unique per process and run, so parallel test files and helpers never share tables. */
export function freshSchemaName(): string {
  return `parley_test_${process.pid}_${Date.now().toString(36)}_${++counter}`
}

function where(): string {
  const url = new URL(databaseUrl)
  return `${url.hostname}:${url.port || 5432}${url.pathname}`
}

/** A plain pool for setup and cleanup; fails with a message naming PostgreSQL when it is not there. */
export async function connectAdmin(): Promise<pg.Pool> {
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5000 })
  admin.on('error', () => {})
  try {
    await admin.query('SELECT 1')
  } catch (error) {
    await admin.end()
    throw new Error(
      `PostgreSQL is not reachable at ${where()} (${(error as Error).message}): start PostgreSQL or set DATABASE_URL`,
      { cause: error },
    )
  }
  return admin
}

export async function dropSchema(admin: pg.Pool, schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
}

export function openTestStorage(
  schema: string,
  extra: Omit<PostgresStorageOptions, 'url' | 'schema'> = {},
): Promise<Storage> {
  return openPostgresStorage({ url: databaseUrl, schema, ...extra })
}

/**
 * One admin pool per test file, connected on first use: when PostgreSQL is missing every test that
 * needs it fails with the message naming PostgreSQL (a failing beforeAll would mark them skipped).
 */
export function sharedAdmin(): { get: () => Promise<pg.Pool>; end: () => Promise<void> } {
  let admin: Promise<pg.Pool> | undefined
  return {
    get: () => {
      admin ??= connectAdmin()
      return admin
    },
    end: async () => {
      const pool = await admin?.catch(() => undefined)
      await pool?.end()
    },
  }
}
