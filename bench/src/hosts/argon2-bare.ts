/**
 * Login-storm baseline: the argon2id verifications alone (same parameters, same concurrency) in a
 * bare process, so the gateway's login time reads as "hashing + everything else".
 * @module
 */
import { createArgon2Hasher, defaultAuthConfig } from '@parley/auth'
import type { ProcessMetrics } from '../metrics.js'
import { Samples } from '../stats.js'
import { BENCH_PASSWORD } from './seed.js'

export function handlers(metrics: ProcessMetrics) {
  const hasher = createArgon2Hasher(defaultAuthConfig.argon2)
  return {
    async verify(args: { count: number }) {
      const hash = await hasher.hash(BENCH_PASSWORD)
      metrics.mark()
      const samples = new Samples()
      const started = performance.now()
      const results = await Promise.all(
        Array.from({ length: args.count }, async () => {
          const begun = performance.now()
          const ok = await hasher.verify(hash, BENCH_PASSWORD)
          samples.push(performance.now() - begun)
          return ok
        }),
      )
      return {
        totalMs: performance.now() - started,
        perLogin: samples.summary(),
        failures: results.filter((ok) => !ok).length,
        cpu: metrics.cpu(),
        loopDelay: metrics.loopDelay(),
      }
    },
  }
}
