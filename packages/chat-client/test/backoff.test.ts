import { describe, expect, it } from 'vitest'
import { backoffDelay, newClientId } from '../src/index.js'

describe('backoffDelay', () => {
  it('grows exponentially to the cap with equal jitter, never zero', () => {
    const options = { initialMs: 500, maxMs: 15_000, factor: 2 }
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, options, () => 0))).toEqual([250, 500, 1000, 2000, 7500])
    expect([0, 1, 5, 10].map((n) => backoffDelay(n, options, () => 0.999_999))).toEqual([500, 1000, 15_000, 15_000])
  })
})

describe('newClientId', () => {
  it('is base64url of 16 random bytes, unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newClientId()))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})
