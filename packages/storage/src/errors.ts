export const StorageErrorCode = {
  Conflict: 'STORAGE_CONFLICT',
  NotFound: 'STORAGE_NOT_FOUND',
  Unavailable: 'STORAGE_UNAVAILABLE',
} as const
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode]

/** A storage failure with a stable code callers branch on (never on the message). */
export class StorageError extends Error {
  readonly code: StorageErrorCode
  constructor(code: StorageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'StorageError'
    this.code = code
  }
}
