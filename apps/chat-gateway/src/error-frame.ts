/**
 * The one place errors become `error` frames: a `ParleyError` keeps its code and message; anything
 * else is an internal error whose details stay in the log, never on the wire.
 * @module
 */
import { ErrorCode, isParleyError, type ServerMessageOf } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'

export type ErrorFrame = ServerMessageOf<'error'>

export interface MappedError {
  frame: ErrorFrame
  /** True when the error was not an expected `ParleyError`: log it with its stack. */
  unexpected: boolean
}

export function toErrorFrame(error: unknown, replyTo?: string): MappedError {
  const base = replyTo === undefined ? {} : { replyTo }
  if (isParleyError(error)) {
    const { user, retryAfterMs } = error.details
    return {
      unexpected: false,
      frame: {
        type: 'error',
        ...base,
        code: error.code,
        message: error.message,
        ...(typeof user === 'string' ? { user } : {}),
        ...(typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? { retryAfterMs: Math.ceil(retryAfterMs) } : {}),
      },
    }
  }
  if (error instanceof StorageError && error.code === StorageErrorCode.Unavailable) {
    return {
      unexpected: true,
      frame: {
        type: 'error',
        ...base,
        code: ErrorCode.StorageUnavailable,
        message: 'Storage is unavailable, try again',
      },
    }
  }
  return { unexpected: true, frame: { type: 'error', ...base, code: ErrorCode.Internal, message: 'Internal error' } }
}
