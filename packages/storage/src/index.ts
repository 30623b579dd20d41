/**
 * @parley/storage: one async Storage interface for users, sessions, lockouts, posts, chat messages,
 * blocks, presence history, post reports and the moderation audit log, with a SQLite backend (default) and a PostgreSQL backend.
 * @module
 */
export { AUDIT_EXCERPT_LENGTH } from './audit-entry.js'
export { StorageError, StorageErrorCode } from './errors.js'
export { LOGIN_ATTEMPT_TTL_MS } from './login-state.js'
export { latestSchemaVersion } from './migrations/index.js'
export { DEFAULT_SQLITE_PATH, openStorage, type StorageOptions } from './open-storage.js'
export { DEFAULT_PENDING_LIMIT, MAX_PAGE_LIMIT } from './paging.js'
export { openPostgresStorage, type PostgresStorageOptions } from './postgres/storage.js'
export { MAX_SEARCH_DEPTH, searchTerms } from './search-terms.js'
export { openSqliteStorage, SQLITE_BUSY_TIMEOUT_MS, type SqliteStorageOptions } from './sqlite/storage.js'
export type * from './types.js'
