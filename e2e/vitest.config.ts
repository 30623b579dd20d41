import { defineConfig } from 'vitest/config'

// `source` makes workspace packages resolve to their TypeScript sources, so tests need no build.
// Files run one at a time: each starts real servers, browsers or child processes, and two cores
// shared with other packages' suites are enough for one such file, not for several.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
})
