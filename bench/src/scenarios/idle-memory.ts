import type { Scenario } from './context.js'

export const idleMemory: Scenario = {
  name: 'idle-memory',
  async run() {
    throw new Error('not written yet')
  },
}
