import { describe, expect, it } from 'vitest'
import { reconnectDelay } from '../src/backoff.js'

describe('reconnectDelay', () => {
  it('doubles from the initial delay up to the maximum, with the top of the jitter range at random = 1', () => {
    const top = () => 1
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((retries) => reconnectDelay(retries, {}, top))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ])
    expect(reconnectDelay(1_000_000, { initialDelayMs: 20, maxDelayMs: 250 }, top)).toBe(250)
  })

  it("jitters down to half the step, never below (the chat client's backoff)", () => {
    expect(reconnectDelay(2, {}, () => 0)).toBe(200)
    for (let i = 0; i < 200; i++) {
      const delay = reconnectDelay(3, {})
      expect(delay).toBeGreaterThanOrEqual(400)
      expect(delay).toBeLessThanOrEqual(800)
    }
  })
})
