import { ErrorCode } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'
import { describe, expect, it } from 'vitest'
import { toErrorFrame } from '../src/error-frame.js'

describe('toErrorFrame', () => {
  it('tells the client to retry when storage is unavailable', () => {
    const { frame } = toErrorFrame(new StorageError(StorageErrorCode.Unavailable, 'pool exhausted'), 'r1')
    expect(frame).toMatchObject({ code: ErrorCode.StorageUnavailable, replyTo: 'r1' })
    expect(frame.message).not.toContain('pool')
  })

  it('knows a storage error by its class, not by a name any object can carry', () => {
    const impostor = Object.assign(new Error('x'), { name: 'StorageError', code: StorageErrorCode.Unavailable })
    expect(toErrorFrame(impostor).frame.code).toBe(ErrorCode.Internal)
    expect(toErrorFrame(new StorageError(StorageErrorCode.Conflict, 'dup')).frame.code).toBe(ErrorCode.Internal)
  })
})
