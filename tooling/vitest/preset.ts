/**
 * The one vitest setup every package's `vitest.config.ts` extends:
 *
 *   import { definePreset } from '../../tooling/vitest/preset.js'
 *   export default definePreset()                              // or definePreset({ test: { … } })
 *
 * `source` makes workspace packages resolve to their TypeScript sources, so tests need no build.
 * The timeouts leave room for real servers, TLS, argon2 and Chromium on a shared two-core machine;
 * they are ceilings for a hung test, not expectations.
 * @module
 */
import { mergeConfig, type ViteUserConfig } from 'vitest/config'

export const preset: ViteUserConfig = {
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
}

/** The preset with a package's own settings on top (later values win, arrays are concatenated). */
export function definePreset(overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(preset, overrides)
}
