/**
 * Login storm: N clients send `login` (password, argon2id at its default cost) at the same moment
 * while signed-in users keep messaging each other. Measured: the storm's completion time (against
 * the same N verifications in a bare process), the event-loop delay inside the gateway process,
 * and the delivery latency the online users see (against the same users before the storm).
 * @module
 */

import { BENCH_PASSWORD } from '../hosts/seed.js'
import { startChild } from '../ipc.js'
import type { StormResult } from '../load/chat-load.js'
import type { CpuReport, LoopDelayReport } from '../metrics.js'
import { metric, type ScenarioResult } from '../report.js'
import type { LatencySummary } from '../stats.js'
import { sleep } from '../stats.js'
import { type Scenario, size } from './context.js'
import { clientSpecs, cpuOf, startChatServer } from './servers.js'

/** Each online user sends its peer a message this often. */
const ONLINE_INTERVAL_MS = 500

export const loginStorm: Scenario = {
  name: 'logins',
  async run(ctx): Promise<ScenarioResult> {
    const logins = size(ctx, 30, 200)
    const online = size(ctx, 20, 20)
    const quietMs = size(ctx, 1000, 5000)
    const title = `login storm: ${logins} concurrent password logins (argon2id defaults) while ${online} online users message at ${1000 / ONLINE_INTERVAL_MS}/s each`
    ctx.progress(title)

    const bare = startChild('argon2-bare')
    const onlineLoad = startChild('chat-load')
    const stormLoad = startChild('chat-load')
    const server = await startChatServer(ctx, 'parley', { users: online, loginUsers: logins })
    try {
      const baseline = await bare.request<StormResult & { loopDelay: LoopDelayReport }>('verify', { count: logins })
      await bare.stop()
      await onlineLoad.request('connect', { target: server.target, clients: clientSpecs(server, online, true) })
      await onlineLoad.request('settle', { quietMs: 300, maxMs: 30_000 })
      await stormLoad.request('openRaw', { target: server.target, count: logins })

      await onlineLoad.request('steadyStart', { intervalMs: ONLINE_INTERVAL_MS })
      await sleep(500)
      await onlineLoad.request('steadyPhase', { name: 'quiet' })
      await server.child.request('mark')
      await sleep(quietMs)
      const quietLoop = await server.child.request<LoopDelayReport>('loopDelay')
      const quietCpu = await server.child.request<CpuReport>('cpu')

      await onlineLoad.request('steadyPhase', { name: 'storm' })
      await server.child.request('mark')
      const storm = await stormLoad.request<StormResult>('storm', {
        usernames: server.gateway!.loginUsers,
        password: BENCH_PASSWORD,
      })
      const stormLoop = await server.child.request<LoopDelayReport>('loopDelay')
      const stormCpu = await server.child.request<CpuReport>('cpu')
      await onlineLoad.request('steadyPhase', { name: 'after' })
      await sleep(300)
      const latency = await onlineLoad.request<Record<string, LatencySummary>>('steadyStop')
      const quiet = latency.quiet!
      const during = latency.storm!
      ctx.progress(
        `  Parley: ${logins} logins in ${(storm.totalMs / 1000).toFixed(2)} s (bare argon2 ${(baseline.totalMs / 1000).toFixed(2)} s); gateway loop delay p99 ${stormLoop.p99Ms.toFixed(1)} ms, max ${stormLoop.maxMs.toFixed(1)} ms; online p99 ${during.p99Ms.toFixed(1)} ms (quiet ${quiet.p99Ms.toFixed(1)} ms)`,
      )
      const notes: string[] = []
      if (storm.failures.length > 0)
        notes.push(`${storm.failures.length} logins failed: ${storm.failures.slice(0, 3).join('; ')}`)
      notes.push(
        'Baselines: completion time against the same argon2id verifications alone in a bare Node process (libuv thread pool, same concurrency); latencies and loop delay against the same gateway in the seconds before the storm.',
      )
      return {
        scenario: 'logins',
        title,
        metrics: [
          metric('login storm completion', storm.totalMs / 1000, 's', false, {
            'bare argon2': baseline.totalMs / 1000,
          }),
          metric('login storm gateway event-loop delay p99', stormLoop.p99Ms, 'ms', false, { quiet: quietLoop.p99Ms }),
          metric('login storm gateway event-loop delay max', stormLoop.maxMs, 'ms', false, { quiet: quietLoop.maxMs }),
          metric('login storm online delivery p50', during.p50Ms, 'ms', false, { quiet: quiet.p50Ms }),
          metric('login storm online delivery p99', during.p99Ms, 'ms', false, { quiet: quiet.p99Ms }),
        ],
        details: {
          logins,
          online,
          onlineIntervalMs: ONLINE_INTERVAL_MS,
          storm,
          bareArgon2: baseline,
          loopDelay: { quiet: quietLoop, storm: stormLoop },
          onlineLatency: latency,
          serverCpuPercent: { quiet: cpuOf(quietCpu), storm: cpuOf(stormCpu) },
          stormClientCpuPercent: cpuOf(storm.cpu),
        },
        notes,
      }
    } finally {
      await Promise.all([bare.stop(), onlineLoad.stop(), stormLoad.stop(), server.child.stop()])
    }
  },
}
