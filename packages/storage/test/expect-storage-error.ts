/**
 * The one assertion every contract file shares, in a file of its own so the contract files need not
 * import `contract.ts` (which imports them: an import cycle).
 * @module
 */
import { expect } from 'vitest'
import { StorageError, type StorageErrorCode } from '../src/index.js'

export async function expectStorageError(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(StorageError)
  expect((error as StorageError).code).toBe(code)
}
