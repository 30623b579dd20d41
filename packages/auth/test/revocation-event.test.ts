import { describe, expect, it } from 'vitest'
import { decodeRevokeEvent, REVOKE_CHANNEL } from '../src/index.js'

const HASH = 'a'.repeat(64)

describe('decodeRevokeEvent', () => {
  it('accepts the events onRevoke produces, after a JSON round trip', () => {
    for (const event of [
      { userId: 1, tokenHashes: [HASH], reason: 'logout' },
      { userId: 7, tokenHashes: 'all', reason: 'suspended' },
      { userId: 7, tokenHashes: [HASH, 'b'.repeat(64)], reason: 'password' },
      { userId: 9, tokenHashes: 'all', reason: 'deleted' },
      { userId: 9, tokenHashes: [HASH], reason: 'revoked' },
    ]) {
      expect(decodeRevokeEvent(JSON.parse(JSON.stringify(event)))).toEqual(event)
    }
  })

  it('refuses anything else', () => {
    for (const bad of [
      null,
      'all',
      {},
      { userId: 0, tokenHashes: 'all', reason: 'logout' },
      { userId: 1.5, tokenHashes: 'all', reason: 'logout' },
      { userId: 1, tokenHashes: 'some', reason: 'logout' },
      { userId: 1, tokenHashes: ['not-a-hash'], reason: 'logout' },
      { userId: 1, tokenHashes: [HASH.toUpperCase()], reason: 'logout' },
      { userId: 1, tokenHashes: 'all', reason: 'bored' },
      { userId: 1, tokenHashes: 'all', reason: 'logout', extra: true },
    ]) {
      expect(decodeRevokeEvent(bad)).toBeNull()
    }
  })

  it('names one channel for every app', () => {
    expect(REVOKE_CHANNEL).toBe('auth:revoked')
  })
})
