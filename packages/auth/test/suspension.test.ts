import { describe, expect, it } from 'vitest'
import { isSuspended, SUSPENDED_FOR_GOOD, suspensionOf } from '../src/index.js'

describe('suspensionOf', () => {
  const now = 1_000_000
  it('is null when never suspended or when the suspension has run out', () => {
    expect(suspensionOf({ suspendedUntil: null }, now)).toBeNull()
    expect(suspensionOf({ suspendedUntil: now }, now)).toBeNull()
    expect(suspensionOf({ suspendedUntil: now - 1 }, now)).toBeNull()
    expect(isSuspended({ suspendedUntil: now }, now)).toBe(false)
  })

  it('says until when, or for good', () => {
    expect(suspensionOf({ suspendedUntil: now + 1 }, now)).toEqual({ forGood: false, until: now + 1 })
    expect(suspensionOf({ suspendedUntil: SUSPENDED_FOR_GOOD }, now)).toEqual({ forGood: true })
    expect(isSuspended({ suspendedUntil: now + 1 }, now)).toBe(true)
  })
})
