/**
 * @parley/storage: one async Storage interface for users, sessions, lockouts, posts, chat messages,
 * blocks and presence history, with a SQLite backend (default) and a PostgreSQL backend.
 * @module
 */
export { StorageError, StorageErrorCode } from './errors.js'
export { LOGIN_ATTEMPT_TTL_MS } from './login-state.js'
export { latestSchemaVersion } from './migrations/index.js'
export { DEFAULT_SQLITE_PATH, openStorage, type StorageOptions } from './open-storage.js'
export { DEFAULT_PENDING_LIMIT, MAX_PAGE_LIMIT } from './paging.js'
export { openPostgresStorage, type PostgresStorageOptions } from './postgres/storage.js'
export { openSqliteStorage, SQLITE_BUSY_TIMEOUT_MS } from './sqlite/storage.js'
export type * from './types.js'
