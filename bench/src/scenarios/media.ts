import type { Scenario } from './context.js'

export const media: Scenario = {
  name: 'media',
  async run() {
    throw new Error('not written yet')
  },
}
