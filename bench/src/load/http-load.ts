/**
 * The HTTP load generator (its own process): `connections` keep-alive HTTPS connections (undici),
 * each sending its next request as soon as the previous response has been read whole. Counts
 * requests and body bytes inside the measured window, latency per request, statuses and its own CPU.
 * @module
 */
import { Pool } from 'undici'
import type { CpuReport, ProcessMetrics } from '../metrics.js'
import { type LatencySummary, Samples, sleep } from '../stats.js'

export interface RequestSpec {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  /** Ask for a random `chunk`-byte range of a file of `size` bytes each time. */
  range?: { size: number; chunk: number }
  /** The status every answer must have (others are counted as errors). */
  expect: number
}

export interface HttpLoadArgs {
  origin: string
  ca: string
  connections: number
  warmupMs: number
  durationMs: number
  request: RequestSpec
}

export interface HttpLoadResult {
  requests: number
  perSecond: number
  bytes: number
  mbPerSecond: number
  latency: LatencySummary
  statuses: Record<string, number>
  errors: string[]
  cpu: CpuReport
}

const MB = 1e6

function rangeHeader(range: NonNullable<RequestSpec['range']>): string {
  const slots = Math.max(1, Math.floor(range.size / range.chunk))
  const start = Math.floor(Math.random() * slots) * range.chunk
  return `bytes=${start}-${Math.min(range.size, start + range.chunk) - 1}`
}

export function handlers(metrics: ProcessMetrics) {
  return {
    async run(args: HttpLoadArgs): Promise<HttpLoadResult> {
      const pool = new Pool(args.origin, {
        connections: args.connections,
        pipelining: 1,
        connect: { ca: args.ca, servername: 'localhost' },
        bodyTimeout: 60_000,
        headersTimeout: 60_000,
      })
      const samples = new Samples()
      const statuses: Record<string, number> = {}
      const errors: string[] = []
      let phase: 'warmup' | 'measure' | 'done' = 'warmup'
      // Read through a function: the phase changes while a worker awaits.
      const stopped = () => phase === 'done'
      let bytes = 0
      let requests = 0
      const spec = args.request

      async function worker(): Promise<void> {
        while (phase !== 'done') {
          const begun = performance.now()
          const measuredStart = phase === 'measure'
          try {
            const headers = spec.range ? { ...spec.headers, range: rangeHeader(spec.range) } : spec.headers
            const response = await pool.request({
              method: spec.method,
              path: spec.path,
              headers,
              ...(spec.body === undefined ? {} : { body: spec.body }),
            })
            for await (const chunk of response.body) {
              if (phase === 'measure') bytes += (chunk as Buffer).length
            }
            const status = String(response.statusCode)
            statuses[status] = (statuses[status] ?? 0) + 1
            if (response.statusCode !== spec.expect && errors.length < 10) errors.push(`HTTP ${status}`)
            if (measuredStart && phase === 'measure') {
              requests++
              samples.push(performance.now() - begun)
            }
          } catch (error) {
            if (stopped()) return
            if (errors.length < 10) errors.push((error as Error).message)
            await sleep(10)
          }
        }
      }

      const workers = Array.from({ length: args.connections }, worker)
      await sleep(args.warmupMs)
      metrics.mark()
      phase = 'measure'
      const started = performance.now()
      await sleep(args.durationMs)
      const elapsed = performance.now() - started
      const cpu = metrics.cpu()
      const counted = { requests, bytes }
      phase = 'done'
      // Long media streams in flight are cut rather than waited for.
      await pool.destroy()
      await Promise.all(workers)
      return {
        requests: counted.requests,
        perSecond: (counted.requests / elapsed) * 1000,
        bytes: counted.bytes,
        mbPerSecond: counted.bytes / MB / (elapsed / 1000),
        latency: samples.summary(),
        statuses,
        errors,
        cpu,
      }
    },
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/**
 * Rounds of one case added up: counts and bytes summed over the measured time, latency
 * percentiles and CPU as the median round's (the samples stay in the load process).
 */
export function combineRounds(rounds: HttpLoadResult[], durationMs: number): HttpLoadResult {
  const seconds = (rounds.length * durationMs) / 1000
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0)
  const bytes = rounds.reduce((sum, r) => sum + r.bytes, 0)
  const statuses: Record<string, number> = {}
  for (const round of rounds) {
    for (const [status, count] of Object.entries(round.statuses)) statuses[status] = (statuses[status] ?? 0) + count
  }
  return {
    requests,
    perSecond: requests / seconds,
    bytes,
    mbPerSecond: bytes / MB / seconds,
    latency: {
      count: rounds.reduce((sum, r) => sum + r.latency.count, 0),
      p50Ms: median(rounds.map((r) => r.latency.p50Ms)),
      p99Ms: median(rounds.map((r) => r.latency.p99Ms)),
      maxMs: Math.max(...rounds.map((r) => r.latency.maxMs)),
      meanMs: median(rounds.map((r) => r.latency.meanMs)),
    },
    statuses,
    errors: rounds.flatMap((r) => r.errors).slice(0, 10),
    cpu: { cpuPercent: median(rounds.map((r) => r.cpu.cpuPercent)), wallMs: seconds * 1000 },
  }
}
