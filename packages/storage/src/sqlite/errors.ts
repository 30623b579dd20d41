import { StorageError, StorageErrorCode } from '../errors.js'

/** Result codes that mean the database cannot serve us right now (locked past busy_timeout, disk, file). */
const unavailableCodes = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_READONLY',
]

function sqliteCode(error: unknown): string | null {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code
  return null
}

/** Turns driver errors callers may branch on into `StorageError`s; anything else (bugs) passes through. */
export function toStorageError(error: unknown, isOpen = true): unknown {
  if (error instanceof StorageError) return error
  const code = sqliteCode(error)
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StorageError(StorageErrorCode.Conflict, 'a row with this key already exists', { cause: error })
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new StorageError(StorageErrorCode.NotFound, 'a referenced row does not exist', { cause: error })
  }
  if (code !== null && unavailableCodes.some((prefix) => code.startsWith(prefix))) {
    return new StorageError(StorageErrorCode.Unavailable, `SQLite is unavailable (${code})`, { cause: error })
  }
  if (!isOpen) {
    return new StorageError(StorageErrorCode.Unavailable, 'the SQLite database is closed', { cause: error })
  }
  return error
}

export function notFound(what: string): StorageError {
  return new StorageError(StorageErrorCode.NotFound, `${what} not found`)
}
