/**
 * The PostgreSQL backend: one `pg` pool per Storage. Every rule that spans statements uses a
 * transaction with row locks or a single atomic statement, so any number of processes may share it.
 * @module
 */
import pg from 'pg'
import { latestSchemaVersion, migrations } from '../migrations/index.js'
import type { Storage } from '../types.js'
import { createPostgresAttachmentStore } from './attachments.js'
import { createPostgresAuditStore } from './audit.js'
import { createPostgresBlockStore } from './blocks.js'
import { checkPostgres } from './check.js'
import { createPgDb } from './client.js'
import { createPostgresLoginFailureStore } from './login-failures.js'
import { createPostgresMessageStore } from './messages.js'
import { migratePostgres, postgresSchemaVersion } from './migrate.js'
import { createPostgresModerationStore } from './moderation.js'
import { createPostgresNotificationStore } from './notifications.js'
import { createPostgresPasswordStore } from './passwords.js'
import { createPostgresPostStore } from './posts.js'
import { createPostgresPresenceStore } from './presence.js'
import { createPostgresReportStore } from './reports.js'
import { createPostgresSearchStore } from './search.js'
import { createPostgresSessionStore } from './sessions.js'
import { createPostgresUploadStore } from './uploads.js'
import { createPostgresUserStore } from './users.js'

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database */
  url: string
  /** Schema holding Parley's tables (created when missing): a plain lower-case identifier. Default: the server's search_path. */
  schema?: string
  /** Pool size per process; default 10. */
  poolSize?: number
  /** How long to wait for a connection before failing with STORAGE_UNAVAILABLE; default 5000 ms. */
  connectTimeoutMs?: number
  /** Shown in pg_stat_activity, e.g. 'parley-board'; default 'parley'. */
  applicationName?: string
  /** Errors of idle pooled connections (e.g. the server restarted); the next query reconnects. */
  onPoolError?: (error: Error) => void
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/
const INT8_OID = 20

/** Ids, times and counts are BIGINT; all stay below 2^53, so plain numbers are exact. Per pool, not global. */
function parleyTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides()
  types.setTypeParser(INT8_OID, 'text', (value: string) => Number(value))
  return types
}

export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const schema = options.schema ?? null
  if (schema !== null && !schemaPattern.test(schema)) {
    throw new TypeError(`PostgreSQL schema must match ${schemaPattern} (got ${JSON.stringify(schema)})`)
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
    types: parleyTypes(),
    application_name: options.applicationName ?? 'parley',
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  })
  // Without a listener an idle connection's error (server restart) would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error))
  const db = createPgDb(pool)
  try {
    await migratePostgres(db, schema, migrations)
  } catch (error) {
    await db.end()
    throw error
  }
  return {
    backend: 'postgres',
    users: createPostgresUserStore(db),
    loginFailures: createPostgresLoginFailureStore(db),
    sessions: createPostgresSessionStore(db),
    passwords: createPostgresPasswordStore(db),
    posts: createPostgresPostStore(db),
    messages: createPostgresMessageStore(db),
    blocks: createPostgresBlockStore(db),
    presence: createPostgresPresenceStore(db),
    audit: createPostgresAuditStore(db),
    reports: createPostgresReportStore(db),
    moderation: createPostgresModerationStore(db),
    uploads: createPostgresUploadStore(db),
    attachments: createPostgresAttachmentStore(db),
    search: createPostgresSearchStore(db),
    notifications: createPostgresNotificationStore(db),
    migrate: () => migratePostgres(db, schema, migrations),
    schemaVersion: async () => ({ current: await postgresSchemaVersion(db), latest: latestSchemaVersion }),
    check: () => checkPostgres(db, latestSchemaVersion),
    close: () => db.end(),
  }
}
