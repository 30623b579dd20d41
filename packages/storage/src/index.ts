export { StorageError, StorageErrorCode } from './errors.js'
export type * from './types.js'
