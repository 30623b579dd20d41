/**
 * Counts and times every finished request by method, route pattern and status (board-metrics.ts).
 * Unknown methods and unmatched URLs are folded into one label value each, so scanners cannot
 * grow the number of series.
 * @module
 */
import fp from 'fastify-plugin'
import type { AnyRequest } from '../http/types.js'
import type { BoardMetrics } from '../metrics/board-metrics.js'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** The route pattern (`/posts/:id/edit`), or `unmatched` for a 404 without a route. */
export function routeLabel(request: AnyRequest): string {
  if (request.is404) return 'unmatched'
  return request.routeOptions.url ?? 'unmatched'
}

export const metricsPlugin = fp<{ metrics: BoardMetrics }>(
  async (app, { metrics }) => {
    app.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: METHODS.has(request.method) ? request.method : 'OTHER',
        route: routeLabel(request),
        status: String(reply.statusCode),
      }
      metrics.httpRequests.inc(labels)
      metrics.httpDuration.observe(labels, reply.elapsedTime / 1000)
    })
  },
  { name: 'parley-metrics' },
)
