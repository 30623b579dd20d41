import { StorageError, StorageErrorCode } from '../errors.js'

/** Node socket errors that mean the server cannot be reached. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
])

/**
 * SQLSTATE classes meaning "not now" rather than "your request is wrong": 08 connection exception,
 * 53 insufficient resources, 57 operator intervention (shutdown, cannot connect now), 3D000 no such database.
 */
function isUnavailableState(state: string): boolean {
  return state.startsWith('08') || state.startsWith('53') || state.startsWith('57') || state === '3D000'
}

/** pg's own messages for a dropped or refused connection, which carry no code. */
const connectionMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i

function errorCode(error: unknown): string | null {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code
  return null
}

/** Turns pg errors callers may branch on into `StorageError`s; anything else (bugs) passes through. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof StorageError) return error
  const code = errorCode(error)
  if (code === '23505') {
    return new StorageError(StorageErrorCode.Conflict, 'a row with this key already exists', { cause: error })
  }
  if (code === '23503') {
    return new StorageError(StorageErrorCode.NotFound, 'a referenced row does not exist', { cause: error })
  }
  const unreachable =
    (code !== null && (networkCodes.has(code) || isUnavailableState(code))) ||
    (error instanceof AggregateError && error.errors.some((inner) => networkCodes.has(errorCode(inner) ?? ''))) ||
    (error instanceof Error && connectionMessages.test(error.message))
  if (unreachable) {
    const detail = error instanceof Error && error.message ? `: ${error.message}` : ''
    return new StorageError(StorageErrorCode.Unavailable, `PostgreSQL is unavailable${detail}`, { cause: error })
  }
  return error
}

export function notFound(what: string): StorageError {
  return new StorageError(StorageErrorCode.NotFound, `${what} not found`)
}
