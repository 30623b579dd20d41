import { expect, it } from 'vitest'
import { ManualTimers } from '../src/timers.js'

it('fires nothing by itself, and each due timer in time order when moved forward', () => {
  const timers = new ManualTimers()
  const fired: string[] = []
  timers.setTimeout(() => fired.push('b at 200'), 200)
  timers.setTimeout(() => fired.push('a at 100'), 100)
  const cleared = timers.setTimeout(() => fired.push('cleared'), 50)
  timers.clearTimeout(cleared)
  expect(fired).toEqual([])
  timers.advance(150)
  expect(fired).toEqual(['a at 100'])
  timers.advance(50)
  expect(fired).toEqual(['a at 100', 'b at 200'])
  expect(timers.pending).toBe(0)
})

it('runs an interval once per period passed, and a timer set by a callback when it falls due in time', () => {
  const timers = new ManualTimers()
  const fired: string[] = []
  const every = timers.setInterval(() => {
    fired.push('tick')
    if (fired.length === 1) timers.setTimeout(() => fired.push('set by the first tick'), 50)
  }, 100)
  timers.advance(350)
  expect(fired).toEqual(['tick', 'set by the first tick', 'tick', 'tick'])
  timers.clearInterval(every)
  timers.advance(1000)
  expect(fired).toHaveLength(4)
})
