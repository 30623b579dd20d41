import { definePreset } from '../tooling/vitest/preset.js'

// Files run one at a time: each starts real servers, browsers or child processes, and two cores
// shared with other packages' suites are enough for one such file, not for several.
export default definePreset({
  test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
})
