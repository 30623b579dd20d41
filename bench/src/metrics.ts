/**
 * What every bench process can say about itself: CPU time used since a mark (as % of one core),
 * memory after a forced GC, and the event-loop delay histogram.
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface CpuReport {
  /** CPU time (user + system) over wall time since the mark, in % of one core. */
  cpuPercent: number
  wallMs: number
}

export interface MemoryReport {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

export interface LoopDelayReport {
  p50Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
}

export class ProcessMetrics {
  #cpu = process.cpuUsage()
  #wall = performance.now()
  readonly #loop = monitorEventLoopDelay({ resolution: 1 })

  constructor() {
    this.#loop.enable()
  }

  mark(): void {
    this.#cpu = process.cpuUsage()
    this.#wall = performance.now()
    this.#loop.reset()
  }

  cpu(): CpuReport {
    const used = process.cpuUsage(this.#cpu)
    const wallMs = performance.now() - this.#wall
    return { cpuPercent: wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0, wallMs }
  }

  loopDelay(): LoopDelayReport {
    const ms = (ns: number) => ns / 1e6
    return {
      p50Ms: ms(this.#loop.percentile(50)),
      p99Ms: ms(this.#loop.percentile(99)),
      maxMs: ms(this.#loop.max),
      meanMs: ms(this.#loop.mean),
    }
  }
}

/** Memory after two full collections (needs `--expose-gc`), so the numbers hold live objects only. */
export async function settledMemory(): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let round = 0; round < 3; round++) {
    gc?.()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
  return { rss, heapUsed, heapTotal, external, arrayBuffers }
}
