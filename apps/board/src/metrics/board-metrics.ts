/**
 * The board's Prometheus metrics, on a registry from @parley/metrics (which adds the process
 * metrics: memory, CPU, event-loop delay). Label values are bounded: routes are Fastify's route
 * patterns (`/posts/:id/edit`), never raw URLs, and error codes come from the shared catalogue.
 * @module
 */
import { Counter, Histogram, type Registry } from 'prom-client'

export interface BoardMetrics {
  readonly registry: Registry
  /** Finished HTTP requests by method, route pattern and status code. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>
  /** Time to the response by method, route pattern and status code, in seconds. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>
  /** Refused sign-ins by ParleyError code (wrong password, locked, suspended, rate limited). */
  readonly loginFailures: Counter<'code'>
  /** Accounts locked by a failed sign-in (the failure that crossed the limit). */
  readonly lockouts: Counter
  /** Sessions started, by how: `login` or `register`. */
  readonly sessionsCreated: Counter<'kind'>
  readonly postsCreated: Counter
}

/** Seconds; from a cached page to a slow upload or a long event stream. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export function createBoardMetrics(registry: Registry): BoardMetrics {
  const registers = [registry]
  return {
    registry,
    httpRequests: new Counter({
      name: 'parley_board_http_requests_total',
      help: 'Finished HTTP requests by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'parley_board_http_request_duration_seconds',
      help: 'Time from request to response by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    loginFailures: new Counter({
      name: 'parley_board_login_failures_total',
      help: 'Refused sign-ins by error code.',
      labelNames: ['code'],
      registers,
    }),
    lockouts: new Counter({
      name: 'parley_board_lockouts_total',
      help: 'Accounts locked after too many failed sign-ins.',
      registers,
    }),
    sessionsCreated: new Counter({
      name: 'parley_board_sessions_created_total',
      help: 'Sessions started, by sign-in or registration.',
      labelNames: ['kind'],
      registers,
    }),
    postsCreated: new Counter({
      name: 'parley_board_posts_created_total',
      help: 'Posts written on the board.',
      registers,
    }),
  }
}
