/**
 * Chat fan-out (one sender broadcasting to N clients) and chat 1:1 (N/2 pairs messaging each
 * other): Parley's gateway, a bare `ws` forwarder and Socket.IO, each with the same clients, the
 * same 64-character messages and the same closed loop (a fixed number of messages in flight).
 * @module
 */
import { startChild } from '../ipc.js'
import type { Flavor } from '../load/chat-clients.js'
import type { LoopResult } from '../load/chat-load.js'
import type { CpuReport, LoopDelayReport } from '../metrics.js'
import { andTarget, metric, type ScenarioResult, withTarget } from '../report.js'
import { type RunContext, type Scenario, size } from './context.js'
import { clientSpecs, cpuOf, FLAVOR_NAMES, startChatServer } from './servers.js'

const FLAVORS: Flavor[] = ['parley', 'ws', 'socketio']

interface FlavorRun {
  /** All measured rounds added up. */
  result: LoopResult
  rounds: LoopResult[]
  /** Server CPU over the measured windows, % of one core. */
  serverCpu: CpuReport
  connectMs: number
  /** The server's event-loop delay in each measured round (Parley only). */
  loopDelay?: LoopDelayReport[]
}

interface Loop {
  warmupMs: number
  durationMs: number
  window: number
  /** Each server is measured this many times, alternating, so a burst of other work on the machine hits all alike. */
  rounds: number
}

function summarise(
  scenario: string,
  title: string,
  prefix: string,
  runs: Record<Flavor, FlavorRun>,
  notes: string[],
  settings: Record<string, unknown>,
): ScenarioResult {
  const base = (pick: (run: FlavorRun) => number) => ({
    'bare ws': pick(runs.ws),
    'Socket.IO': pick(runs.socketio),
  })
  const rate = (run: FlavorRun) => run.result.perSecond
  const p50 = (run: FlavorRun) => run.result.latency.p50Ms
  const p99 = (run: FlavorRun) => run.result.latency.p99Ms
  // Throughput per CPU-second of the server: steadier than msg/s when other work shares the cores.
  const perCpu = (run: FlavorRun) => run.result.perSecond / Math.max(0.01, run.serverCpu.cpuPercent / 100)
  let throughput = metric(`${prefix} throughput`, rate(runs.parley), 'msg/s', true, base(rate))
  throughput = withTarget(throughput, { baseline: 'bare ws', min: 0.7 })
  throughput = andTarget(throughput, { baseline: 'Socket.IO', ahead: true })
  for (const flavor of FLAVORS) {
    const run = runs[flavor]
    if (run.result.stalled || run.result.undelivered > 0) {
      notes.push(
        `${FLAVOR_NAMES[flavor]}: stalled=${run.result.stalled}, ${run.result.undelivered} messages undelivered`,
      )
    }
  }
  const client = Object.fromEntries(FLAVORS.map((f) => [FLAVOR_NAMES[f], cpuOf(runs[f].result.cpu)]))
  const server = Object.fromEntries(FLAVORS.map((f) => [FLAVOR_NAMES[f], cpuOf(runs[f].serverCpu)]))
  const saturated = Object.entries(client).filter(([, cpu]) => cpu >= 90)
  if (saturated.length > 0) {
    notes.push(
      `load generator near a full core (${saturated.map(([name, cpu]) => `${name} ${cpu}%`).join(', ')}): those figures are client-bound`,
    )
  }
  // Whether an fsync (or anything else) stalls everyone: the worst round's p99 inside the gateway.
  const loopP99 = Math.max(...(runs.parley.loopDelay ?? []).map((delay) => delay.p99Ms))
  return {
    scenario,
    title,
    metrics: [
      throughput,
      metric(`${prefix} per server CPU-second`, perCpu(runs.parley), 'msg', true, base(perCpu)),
      metric(`${prefix} p50 latency`, p50(runs.parley), 'ms', false, base(p50)),
      metric(`${prefix} p99 latency`, p99(runs.parley), 'ms', false, base(p99)),
      metric(`${prefix} gateway event-loop delay p99`, loopP99, 'ms', false, {}),
    ],
    details: {
      settings,
      clientCpuPercent: client,
      serverCpuPercent: server,
      runs: Object.fromEntries(FLAVORS.map((f) => [FLAVOR_NAMES[f], runs[f]])),
    },
    notes,
  }
}

async function runAll(
  ctx: RunContext,
  mode: 'fanout' | 'pairs',
  clients: number,
  loop: Loop,
): Promise<Record<Flavor, FlavorRun>> {
  // Every process starts at once (start-up dominates a quick run).
  const load = startChild('chat-load')
  const servers = await Promise.all(FLAVORS.map((flavor) => startChatServer(ctx, flavor, { users: clients })))
  const runs = {} as Record<Flavor, FlavorRun>
  try {
    for (const server of servers) {
      const { ms } = await load.request<{ ms: number }>('connect', {
        group: server.flavor,
        target: server.target,
        clients: clientSpecs(server, clients, mode === 'pairs'),
      })
      // Parley announces every sign-in to everyone online: let that wave pass before measuring.
      await load.request('settle', { quietMs: 500, maxMs: 120_000 })
      runs[server.flavor] = { connectMs: ms, rounds: [] as LoopResult[] } as FlavorRun
    }
    const serverCpuMs = new Map<Flavor, { cpuMs: number; wallMs: number }>()
    for (let round = 0; round < loop.rounds; round++) {
      for (const server of servers) {
        await server.child.request('mark')
        const result = await load.request<LoopResult>(mode, { ...loop, group: server.flavor })
        const cpu = await server.child.request<CpuReport>('cpu')
        if (server.flavor === 'parley') {
          const delay = await server.child.request<LoopDelayReport>('loopDelay')
          runs[server.flavor].loopDelay = [...(runs[server.flavor].loopDelay ?? []), delay]
        }
        const sum = serverCpuMs.get(server.flavor) ?? { cpuMs: 0, wallMs: 0 }
        sum.cpuMs += (cpu.cpuPercent / 100) * cpu.wallMs
        sum.wallMs += cpu.wallMs
        serverCpuMs.set(server.flavor, sum)
        runs[server.flavor].rounds.push(result)
      }
    }
    for (const server of servers) {
      const run = runs[server.flavor]
      const sum = serverCpuMs.get(server.flavor)!
      run.result = await load.request<LoopResult>('totals', { group: server.flavor })
      // The server's window also spans warm-up and drain: its CPU share over that window is what is kept.
      run.serverCpu = { cpuPercent: (sum.cpuMs / sum.wallMs) * 100, wallMs: sum.wallMs }
      ctx.progress(
        `  ${FLAVOR_NAMES[server.flavor]}: ${Math.round(run.result.perSecond)} msg/s, p99 ${run.result.latency.p99Ms.toFixed(1)} ms, server CPU ${cpuOf(run.serverCpu)}%, client CPU ${cpuOf(run.result.cpu)}% (${loop.rounds} rounds)`,
      )
    }
  } finally {
    await Promise.all([load.stop(), ...servers.map((server) => server.child.stop())])
  }
  return runs
}

export const fanout: Scenario = {
  name: 'fanout',
  async run(ctx) {
    const receivers = size(ctx, 100, 1000)
    const loop: Loop = {
      warmupMs: size(ctx, 300, 1000),
      durationMs: size(ctx, 1500, 4000),
      window: 8,
      rounds: size(ctx, 1, 3),
    }
    const title = `chat fan-out: ${receivers} receivers, 1 sender, ${loop.window} broadcasts in flight, ${loop.rounds} x ${loop.durationMs / 1000} s per server`
    ctx.progress(title)
    const runs = await runAll(ctx, 'fanout', receivers + 1, loop)
    return summarise('fanout', title, 'fanout', runs, [], { receivers, ...loop })
  },
}

export const pairs: Scenario = {
  name: 'pairs',
  async run(ctx) {
    const pairCount = size(ctx, 50, 500)
    const loop: Loop = {
      warmupMs: size(ctx, 300, 1000),
      durationMs: size(ctx, 1500, 4000),
      window: 1,
      rounds: size(ctx, 1, 3),
    }
    const title = `chat 1:1: ${pairCount} pairs, each sender ${loop.window} message in flight, ${loop.rounds} x ${loop.durationMs / 1000} s per server`
    ctx.progress(title)
    const runs = await runAll(ctx, 'pairs', pairCount * 2, loop)
    const notes = [
      `Parley stores every direct message (${ctx.storage === 'postgres' ? 'PostgreSQL' : 'SQLite, synchronous = FULL, on its write worker'}; group commit: the writes that arrive together share one transaction) before acking and pushing it, and each recipient confirms it with \`received\` (a second write); the baselines keep nothing.`,
    ]
    return summarise('pairs', title, '1:1', runs, notes, { pairs: pairCount, storage: ctx.storage, ...loop })
  },
}
