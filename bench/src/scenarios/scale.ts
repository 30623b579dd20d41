/**
 * Scale-out: two gateways on one Redis and one PostgreSQL, N signed-in connections split across
 * them; a sender on each gateway broadcasting while 500 pairs message each other across the two
 * (each pair has one end on each gateway). Reports deliveries per second, latency, memory per
 * connection of each gateway, and whether every message arrived exactly once.
 * @module
 */

import type { GatewayStarted } from '../hosts/parley-gateway.js'
import { startChild } from '../ipc.js'
import type { ClientSpec, Target } from '../load/chat-clients.js'
import type { LoopResult } from '../load/chat-load.js'
import type { CpuReport, MemoryReport } from '../metrics.js'
import { metric, type ScenarioResult } from '../report.js'
import { type Scenario, size } from './context.js'
import { serverFlags } from './servers.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export const scale: Scenario = {
  name: 'scale',
  async run(ctx): Promise<ScenarioResult> {
    const connections = size(ctx, 600, 20_000)
    const pairs = size(ctx, 25, 500)
    const loop = { warmupMs: size(ctx, 500, 2000), durationMs: size(ctx, 2000, 10_000), window: 4 }
    const title = `scale: 2 gateways (Redis + PostgreSQL), ${connections} signed-in connections, a broadcaster on each (${loop.window} in flight) and ${pairs} pairs across the gateways`
    ctx.progress(title)
    const schema = `parley_bench_scale_${process.pid}_${Date.now().toString(36)}`
    const busPrefix = `parley-bench-${process.pid}-${Date.now().toString(36)}:`
    const shared = { tls: ctx.tls, storage: 'postgres', schema, redisUrl: REDIS_URL, busPrefix }
    const a = startChild('parley-gateway', { nodeFlags: serverFlags(ctx, true) })
    const b = startChild('parley-gateway', { nodeFlags: serverFlags(ctx, true) })
    // Two load processes, half the clients each: one process may not hold 20,000 sockets (open-file limit).
    const loads = [startChild('chat-load'), startChild('chat-load')]
    try {
      let started = Date.now()
      const first = await a.request<GatewayStarted>('start', { ...shared, users: connections, instanceId: 'bench-a' })
      const second = await b.request<GatewayStarted>('start', { ...shared, users: 0, instanceId: 'bench-b' })
      ctx.progress(
        `  ${connections} accounts with sessions seeded, gateways up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
      const targets: Target[] = [first, second].map((gateway) => ({
        flavor: 'parley',
        url: `wss://127.0.0.1:${gateway.port}/`,
        ca: ctx.ca,
      }))
      // Client i is on gateway i % 2: the pairs (2i, 2i+1) always span both. The first load process
      // holds the pairs and a broadcaster right after them (on gateway a), the second one holds the
      // rest of the clients and its first client broadcasts (on gateway b).
      const clients: ClientSpec[] = first.users.map((user, id) => {
        const paired = id < pairs * 2
        const peer = id ^ 1
        return {
          id,
          token: user.token,
          target: targets[id % 2]!,
          ...(paired ? { peer, peerName: first.users[peer]!.username } : {}),
        }
      })
      const half = connections / 2
      const parts = [clients.slice(0, half), clients.slice(half)]
      const memoryBefore = await Promise.all([a, b].map((gateway) => gateway.request<MemoryReport>('memory')))
      started = Date.now()
      await Promise.all(
        loads.map((load, i) => load.request('connect', { target: targets[0], clients: parts[i], concurrency: 32 })),
      )
      const ms = Date.now() - started
      await Promise.all(loads.map((load) => load.request('settle', { quietMs: 1000, maxMs: 600_000 })))
      const memoryAfter = await Promise.all([a, b].map((gateway) => gateway.request<MemoryReport>('memory')))
      ctx.progress(
        `  ${connections} clients connected and signed in across both gateways in ${(ms / 1000).toFixed(1)} s`,
      )

      await Promise.all([a.request('mark'), b.request('mark')])
      type Mixed = { pairs: LoopResult; broadcasts: LoopResult; duplicates: number }
      const [one, two] = await Promise.all([
        loads[0]!.request<Mixed>('mixed', { ...loop, pairs, broadcasters: [pairs * 2], tag: 'a' }),
        loads[1]!.request<Mixed>('mixed', { ...loop, pairs: 0, broadcasters: [0], tag: 'b' }),
      ])
      // Broadcast deliveries of both processes add up; latency: the worse of the two.
      const result: Mixed = {
        pairs: one.pairs,
        broadcasts: {
          ...one.broadcasts,
          delivered: one.broadcasts.delivered + two.broadcasts.delivered,
          perSecond: one.broadcasts.perSecond + two.broadcasts.perSecond,
          latency:
            one.broadcasts.latency.p99Ms >= two.broadcasts.latency.p99Ms
              ? one.broadcasts.latency
              : two.broadcasts.latency,
          undelivered: one.broadcasts.undelivered + two.broadcasts.undelivered,
          stalled: one.broadcasts.stalled || two.broadcasts.stalled,
        },
        duplicates: one.duplicates + two.duplicates,
      }
      const cpu = await Promise.all([a, b].map((gateway) => gateway.request<CpuReport>('cpu')))
      const perConnection = (key: keyof MemoryReport, i: number) =>
        (memoryAfter[i]![key] - memoryBefore[i]![key]) / (connections / 2) / 1024
      const lost = result.pairs.undelivered + result.broadcasts.undelivered
      ctx.progress(
        `  broadcasts: ${Math.round(result.broadcasts.perSecond)} deliveries/s, p99 ${result.broadcasts.latency.p99Ms.toFixed(0)} ms; 1:1 across: ${Math.round(result.pairs.perSecond)} msg/s, p99 ${result.pairs.latency.p99Ms.toFixed(0)} ms; gateway CPU ${cpu.map((c) => Math.round(c.cpuPercent)).join('% / ')}%; lost ${lost}, duplicates ${result.duplicates}`,
      )
      return {
        scenario: 'scale',
        title,
        metrics: [
          metric('scale: clients connected and signed in', ms / 1000, 's', false, {}),
          metric('scale: broadcast deliveries', result.broadcasts.perSecond, 'msg/s', true, {}),
          metric('scale: broadcast p99 latency', result.broadcasts.latency.p99Ms, 'ms', false, {}),
          metric('scale: 1:1 across gateways', result.pairs.perSecond, 'msg/s', true, {}),
          metric('scale: 1:1 across gateways p99 latency', result.pairs.latency.p99Ms, 'ms', false, {}),
          metric('scale: memory per connection (RSS, gateway a)', perConnection('rss', 0), 'KiB', false, {}),
          metric('scale: memory per connection (RSS, gateway b)', perConnection('rss', 1), 'KiB', false, {}),
          metric('scale: messages lost or still undelivered', lost, 'messages', false, {}),
          metric('scale: messages delivered twice', result.duplicates, 'messages', false, {}),
        ],
        details: { connections, pairs, loop, connectMs: ms, memoryBefore, memoryAfter, cpu, result },
        notes: [
          'Everything (2 gateways, Redis, PostgreSQL and the load generator) shares the same 2 cores: figures are what one machine does, not what the design allows.',
        ],
      }
    } finally {
      await Promise.all([...loads.map((load) => load.stop()), b.stop()])
      await a.stop()
    }
  },
}
