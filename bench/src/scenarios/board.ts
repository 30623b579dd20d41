import type { Scenario } from './context.js'

export const board: Scenario = {
  name: 'board',
  async run() {
    throw new Error('not written yet')
  },
}
