import { defineConfig } from 'vitest/config'

// `source` makes workspace packages resolve to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
})
