import { collectDefaultMetrics, Registry } from 'prom-client'

export interface MetricsRegistryOptions {
  /** Prefix of the process metrics (e.g. `parley_board_`); the app's own metrics choose their names. */
  prefix?: string
  /** Labels on every series, e.g. `{ service: 'board', instance: 'board-1' }`. */
  defaultLabels?: Record<string, string>
  /**
   * prom-client's default process metrics (default true): resident and heap memory, CPU, open file
   * descriptors, GC, and event-loop delay from `perf_hooks.monitorEventLoopDelay` (min/mean/max/p50/p90/p99).
   */
  processMetrics?: boolean
  /** Resolution of the event-loop delay histogram in ms (default 10). */
  eventLoopResolutionMs?: number
}

/**
 * A fresh registry per app (never prom-client's global one, so two apps or two tests in one process
 * keep apart), with the process metrics collected on each scrape.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry()
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels)
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({
      register: registry,
      prefix: options.prefix ?? '',
      eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? 10,
    })
  }
  return registry
}
