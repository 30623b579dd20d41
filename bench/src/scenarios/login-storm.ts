import type { Scenario } from './context.js'

export const loginStorm: Scenario = {
  name: 'login-storm',
  async run() {
    throw new Error('not written yet')
  },
}
