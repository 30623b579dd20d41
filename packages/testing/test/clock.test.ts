import { describe, expect, it } from 'vitest'
import { TestClock } from '../src/index.js'

describe('TestClock', () => {
  it('is real time until advanced, then that far ahead of it', () => {
    const clock = new TestClock()
    const before = Date.now()
    const unmoved = clock.now()
    expect(unmoved).toBeGreaterThanOrEqual(before)
    expect(unmoved).toBeLessThanOrEqual(Date.now())

    clock.advance(60_000)
    clock.advance(1_000)
    expect(clock.offset).toBe(61_000)
    const start = Date.now()
    const moved = clock.now()
    expect(moved).toBeGreaterThanOrEqual(start + 61_000)
    expect(moved).toBeLessThanOrEqual(Date.now() + 61_000)
  })
})
