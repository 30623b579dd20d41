/**
 * Latency samples and their summary. Samples are kept whole (a few million doubles at most) and
 * sorted once, so percentiles are exact.
 * @module
 */
export interface LatencySummary {
  count: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
}

export class Samples {
  #values = new Float64Array(1024)
  #count = 0

  push(value: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2)
      grown.set(this.#values)
      this.#values = grown
    }
    this.#values[this.#count++] = value
  }

  get count(): number {
    return this.#count
  }

  summary(): LatencySummary {
    const sorted = this.#values.slice(0, this.#count).sort()
    const at = (q: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
    let sum = 0
    for (const value of sorted) sum += value
    return {
      count: sorted.length,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
      meanMs: sorted.length === 0 ? 0 : sum / sorted.length,
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `condition` until true; false when `ms` passed first. */
export async function waitUntil(condition: () => boolean, ms: number, everyMs = 20): Promise<boolean> {
  const deadline = performance.now() + ms
  while (!condition()) {
    if (performance.now() > deadline) return false
    await sleep(everyMs)
  }
  return true
}
