/**
 * The chat load generator (its own process): connects many clients of one flavor, then drives a
 * closed-loop fan-out or 1:1 exchange, an open-loop steady trickle, or a login storm, and reports
 * throughput, latency and its own CPU (a client near 100% of a core limits what it can measure).
 * @module
 */
import type { WebSocket } from 'ws'
import type { CpuReport, ProcessMetrics } from '../metrics.js'
import { type LatencySummary, Samples, sleep, waitUntil } from '../stats.js'
import {
  attachParley,
  type ChatConn,
  type ClientSpec,
  connectClient,
  inBatches,
  openParley,
  signIn,
  type Target,
} from './chat-clients.js'

/** Every message is padded to this many characters ("small messages"). */
const TEXT_LENGTH = 64
const CONNECT_CONCURRENCY = 64
/** No progress for this long ends a closed loop (a lost delivery would stall it forever). */
const STALL_MS = 10_000

function text(head: string): string {
  return head.padEnd(TEXT_LENGTH, '.')
}

export interface LoopArgs {
  warmupMs: number
  durationMs: number
  /** Messages in flight: per run (fan-out) or per sender (1:1). */
  window: number
}

export interface LoopResult {
  delivered: number
  perSecond: number
  latency: LatencySummary
  cpu: CpuReport
  /** Messages still undelivered when the drain gave up, and whether the loop stalled. */
  undelivered: number
  stalled: boolean
}

export interface StormResult {
  totalMs: number
  perLogin: LatencySummary
  failures: string[]
  cpu: CpuReport
}

/** Totals of every measured round of one group, so rounds of several servers can alternate. */
class GroupTotals {
  readonly samples = new Samples()
  elapsedMs = 0
  cpuMs = 0
  undelivered = 0
  stalled = false

  add(result: Omit<LoopResult, 'delivered' | 'perSecond' | 'latency'> & { elapsedMs: number }): void {
    this.elapsedMs += result.elapsedMs
    this.cpuMs += (result.cpu.cpuPercent / 100) * result.cpu.wallMs
    this.undelivered += result.undelivered
    this.stalled ||= result.stalled
  }

  result(): LoopResult {
    return {
      delivered: this.samples.count,
      perSecond: this.elapsedMs > 0 ? (this.samples.count / this.elapsedMs) * 1000 : 0,
      latency: this.samples.summary(),
      cpu: { cpuPercent: this.elapsedMs > 0 ? (this.cpuMs / this.elapsedMs) * 100 : 0, wallMs: this.elapsedMs },
      undelivered: this.undelivered,
      stalled: this.stalled,
    }
  }
}

const MAIN = 'main'

export function handlers(metrics: ProcessMetrics) {
  const groups = new Map<string, ChatConn[]>()
  const totals = new Map<string, GroupTotals>()
  let raw: WebSocket[] = []
  let onText: (group: string, index: number, text: string) => void = () => undefined
  let lastFrameAt = performance.now()

  function group(name = MAIN): ChatConn[] {
    const conns = groups.get(name)
    if (!conns) throw new Error(`no clients connected in group ${name}`)
    return conns
  }

  function totalsOf(name: string): GroupTotals {
    let found = totals.get(name)
    if (!found) {
      found = new GroupTotals()
      totals.set(name, found)
    }
    return found
  }
  let steady: { phase(name: string): void; stop(): Record<string, LatencySummary> } | undefined

  function record(name: string, index: number): (text: string) => void {
    return (value) => {
      lastFrameAt = performance.now()
      onText(name, index, value)
    }
  }

  /** Runs a loop: warm up, measure, then stop sending and let what is in flight arrive. */
  async function measure(
    args: LoopArgs,
    state: { phase: 'warmup' | 'measure' | 'drain'; progressAt: number },
    inFlight: () => number,
    samples: Samples,
    name: string,
  ): Promise<Omit<LoopResult, 'delivered'> & { elapsedMs: number }> {
    await sleep(args.warmupMs)
    metrics.mark()
    state.phase = 'measure'
    const started = performance.now()
    let stalled = false
    while (performance.now() - started < args.durationMs) {
      await sleep(Math.min(200, args.durationMs))
      if (performance.now() - state.progressAt > STALL_MS) {
        stalled = true
        break
      }
    }
    state.phase = 'drain'
    const elapsedMs = performance.now() - started
    const cpu = metrics.cpu()
    await waitUntil(() => inFlight() === 0, STALL_MS)
    onText = () => undefined
    const result = { cpu, undelivered: inFlight(), stalled, elapsedMs }
    totalsOf(name).add(result)
    return { ...result, perSecond: (samples.count / elapsedMs) * 1000, latency: samples.summary() }
  }

  return {
    /** Connects `clients` as group `group` (client i of the group is index i). */
    async connect(args: {
      target: Target
      clients: ClientSpec[]
      group?: string
      /** Sign-ins in flight at once (default CONNECT_CONCURRENCY). */
      concurrency?: number
    }): Promise<{ ms: number }> {
      const name = args.group ?? MAIN
      if (groups.has(name)) throw new Error(`group ${name} is already connected`)
      const started = performance.now()
      const conns = await inBatches(
        args.clients.map((spec, index) => ({ spec, index })),
        args.concurrency ?? CONNECT_CONCURRENCY,
        ({ spec, index }) => connectClient(spec.target ?? args.target, spec, record(name, index)),
      )
      groups.set(name, conns)
      return { ms: performance.now() - started }
    },

    /** Every measured round of `group` so far, added up. */
    totals(args: { group?: string } = {}): LoopResult {
      return totalsOf(args.group ?? MAIN).result()
    },

    /** Waits until no frame arrived for `quietMs` (the presence announcements of a big connect). */
    async settle(args: { quietMs: number; maxMs: number }): Promise<void> {
      lastFrameAt = performance.now()
      const deadline = performance.now() + args.maxMs
      while (performance.now() - lastFrameAt < args.quietMs && performance.now() < deadline) await sleep(50)
    },

    /** One sender (client 0) broadcasts; every other client receives. */
    async fanout(args: LoopArgs & { group?: string }): Promise<LoopResult> {
      const name = args.group ?? MAIN
      const conns = group(name)
      const all = totalsOf(name).samples
      const receivers = conns.length - 1
      const sender = conns[0]!
      const sent = new Map<number, { at: number; left: number }>()
      const samples = new Samples()
      const state = { phase: 'warmup' as 'warmup' | 'measure' | 'drain', progressAt: performance.now() }
      let seq = 0
      const sendOne = () => {
        const id = ++seq
        sent.set(id, { at: performance.now(), left: receivers })
        sender.send(text(`${id}|`))
      }
      onText = (from, _index, value) => {
        if (from !== name) return
        const entry = sent.get(Number.parseInt(value, 10))
        if (!entry) return
        const now = performance.now()
        state.progressAt = now
        if (state.phase === 'measure') {
          samples.push(now - entry.at)
          all.push(now - entry.at)
        }
        if (--entry.left === 0) {
          sent.delete(Number.parseInt(value, 10))
          if (state.phase !== 'drain') sendOne()
        }
      }
      for (let i = 0; i < args.window; i++) sendOne()
      const result = await measure(args, state, () => sent.size, samples, name)
      return { ...result, delivered: samples.count }
    },

    /** Clients 2i and 2i+1 message each other, each keeping `window` messages in flight. */
    async pairs(args: LoopArgs & { group?: string }): Promise<LoopResult> {
      const name = args.group ?? MAIN
      const conns = group(name)
      const all = totalsOf(name).samples
      const queues = conns.map(() => [] as number[])
      const samples = new Samples()
      const state = { phase: 'warmup' as 'warmup' | 'measure' | 'drain', progressAt: performance.now() }
      const sendOne = (from: number) => {
        queues[from]!.push(performance.now())
        conns[from]!.send(text(`${from}|`))
      }
      onText = (group, _index, value) => {
        if (group !== name) return
        const from = Number.parseInt(value, 10)
        const at = queues[from]?.shift()
        if (at === undefined) return
        const now = performance.now()
        state.progressAt = now
        if (state.phase === 'measure') {
          samples.push(now - at)
          all.push(now - at)
        }
        if (state.phase !== 'drain') sendOne(from)
      }
      for (let from = 0; from < conns.length; from++) for (let i = 0; i < args.window; i++) sendOne(from)
      const inFlight = () => queues.reduce((sum, queue) => sum + queue.length, 0)
      const result = await measure(args, state, inFlight, samples, name)
      return { ...result, delivered: samples.count }
    },

    /**
     * Broadcasts and 1:1 at once (the `scale` scenario): clients 0..2·pairs-1 message their peers (one
     * in flight each) while each of `broadcasters` keeps `window` broadcasts in flight, received by
     * every other client of the group. Counts deliveries beyond the expected as duplicates.
     */
    async mixed(
      args: LoopArgs & { group?: string; pairs: number; broadcasters: number[]; tag?: string },
    ): Promise<{ pairs: LoopResult; broadcasts: LoopResult; duplicates: number }> {
      // Broadcasts are told apart by this process's tag: another load process's broadcasts reach
      // these clients too, and are not this process's to count.
      const tag = args.tag ?? 'x'
      const name = args.group ?? MAIN
      const conns = group(name)
      const receivers = conns.length - 1
      const queues = conns.map(() => [] as number[])
      const sent = new Map<string, { at: number; left: number }>()
      const pairSamples = new Samples()
      const castSamples = new Samples()
      const state = { phase: 'warmup' as 'warmup' | 'measure' | 'drain', progressAt: performance.now() }
      let seq = 0
      let duplicates = 0
      const sendPair = (from: number) => {
        queues[from]!.push(performance.now())
        conns[from]!.send(text(`${from}|`))
      }
      const sendCast = (sender: number) => {
        const key = `b${tag}.${sender}:${++seq}`
        sent.set(key, { at: performance.now(), left: receivers })
        conns[sender]!.send(text(`${key}|`))
      }
      onText = (from, _index, value) => {
        if (from !== name) return
        const now = performance.now()
        if (value.startsWith('b')) {
          const key = value.slice(0, value.indexOf('|'))
          if (!key.startsWith(`b${tag}.`)) return
          const entry = sent.get(key)
          if (!entry) {
            duplicates++
            return
          }
          state.progressAt = now
          if (state.phase === 'measure') castSamples.push(now - entry.at)
          if (--entry.left === 0) {
            sent.delete(key)
            if (state.phase !== 'drain') sendCast(Number.parseInt(key.slice(tag.length + 2), 10))
          }
          return
        }
        const sender = Number.parseInt(value, 10)
        const at = queues[sender]?.shift()
        if (at === undefined) {
          duplicates++
          return
        }
        state.progressAt = now
        if (state.phase === 'measure') pairSamples.push(now - at)
        if (state.phase !== 'drain') sendPair(sender)
      }
      for (let from = 0; from < args.pairs * 2; from++) sendPair(from)
      for (const sender of args.broadcasters) for (let i = 0; i < args.window; i++) sendCast(sender)
      const inFlight = () => sent.size + queues.reduce((sum, queue) => sum + queue.length, 0)
      const result = await measure(args, state, inFlight, new Samples(), name)
      const of = (samples: Samples, undelivered: number): LoopResult => ({
        ...result,
        undelivered,
        delivered: samples.count,
        perSecond: (samples.count / result.elapsedMs) * 1000,
        latency: samples.summary(),
      })
      const pairsLeft = queues.reduce((sum, queue) => sum + queue.length, 0)
      return { pairs: of(pairSamples, pairsLeft), broadcasts: of(castSamples, sent.size), duplicates }
    },

    /** Open loop: every client sends to its peer each `intervalMs`; latencies are kept per named phase. */
    steadyStart(args: { intervalMs: number; group?: string }): void {
      const conns = group(args.group)
      const queues = conns.map(() => [] as number[])
      const phases = new Map<string, Samples>()
      let current = new Samples()
      phases.set('warmup', current)
      onText = (_group, _index, value) => {
        const from = Number.parseInt(value, 10)
        const at = queues[from]?.shift()
        if (at !== undefined) current.push(performance.now() - at)
      }
      const timer = setInterval(() => {
        for (let from = 0; from < conns.length; from++) {
          queues[from]!.push(performance.now())
          conns[from]!.send(text(`${from}|`))
        }
      }, args.intervalMs)
      steady = {
        phase(name) {
          current = new Samples()
          phases.set(name, current)
        },
        stop() {
          clearInterval(timer)
          const result: Record<string, LatencySummary> = {}
          for (const [name, samples] of phases) result[name] = samples.summary()
          return result
        },
      }
    },
    steadyPhase(args: { name: string }): void {
      steady?.phase(args.name)
    },
    steadyStop(): Record<string, LatencySummary> {
      const result = steady?.stop() ?? {}
      steady = undefined
      return result
    },

    /** Opens `count` Parley sockets that are not signed in yet (the login storm's clients). */
    async openRaw(args: { target: Target; count: number }): Promise<{ ms: number }> {
      const started = performance.now()
      raw = await inBatches(
        Array.from({ length: args.count }, (_, i) => i),
        CONNECT_CONCURRENCY,
        () => openParley(args.target),
      )
      return { ms: performance.now() - started }
    },

    /** All raw sockets send `login` at once; each login is timed to its `welcome`. */
    async storm(args: { usernames: string[]; password: string }): Promise<StormResult> {
      metrics.mark()
      const samples = new Samples()
      const failures: string[] = []
      const started = performance.now()
      await Promise.all(
        raw.map(async (ws, i) => {
          const begun = performance.now()
          try {
            await signIn(ws, { type: 'login', id: 'login', v: 1, username: args.usernames[i], password: args.password })
            samples.push(performance.now() - begun)
            attachParley(ws, { id: i }, () => undefined)
          } catch (error) {
            failures.push((error as Error).message)
          }
        }),
      )
      return { totalMs: performance.now() - started, perLogin: samples.summary(), failures, cpu: metrics.cpu() }
    },

    /** Closes one group's clients, or everything. */
    async stop(args: { group?: string } | null = null): Promise<void> {
      if (args?.group) {
        for (const conn of groups.get(args.group) ?? []) conn.close()
        groups.delete(args.group)
        return
      }
      steady?.stop()
      steady = undefined
      for (const conns of groups.values()) for (const conn of conns) conn.close()
      for (const ws of raw) ws.terminate()
      groups.clear()
      raw = []
    },
  }
}
