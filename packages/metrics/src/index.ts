/**
 * `@parley/metrics`: Prometheus metrics for Parley's servers with prom-client. `createMetricsRegistry`
 * gives a registry with the process metrics (memory, CPU, event-loop delay); apps add their own
 * counters to it; `serveMetrics` serves it on a separate port, loopback by default, optionally
 * behind a bearer token.
 * @module
 */
export { bearerTokenMatches } from './bearer.js'
export { isLoopbackHost } from './loopback.js'
export { createMetricsRegistry, type MetricsRegistryOptions } from './registry.js'
export {
  type MetricsLogger,
  type MetricsServer,
  type MetricsServerOptions,
  MIN_METRICS_TOKEN_LENGTH,
  serveMetrics,
} from './server.js'
