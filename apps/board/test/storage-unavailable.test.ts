import { ErrorCode } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'
import { describe, expect, it } from 'vitest'
import { describeError } from '../src/plugins/error-handler.js'

describe('an unreachable database', () => {
  it('is a 503 to try again later, not a 500', () => {
    expect(describeError(new StorageError(StorageErrorCode.Unavailable, 'PostgreSQL is unavailable'))).toMatchObject({
      status: 503,
      code: ErrorCode.StorageUnavailable,
    })
    expect(describeError(new StorageError(StorageErrorCode.Conflict, 'taken'))).toMatchObject({ status: 500 })
  })
})
