/**
 * One log line per finished request (Fastify's own two lines are turned off in server.ts): method,
 * path without the query, route pattern, status and time. The user id comes from the request's
 * child logger (plugins/session.ts); bodies, cookies and tokens are never logged.
 * @module
 */
import fp from 'fastify-plugin'
import { routeLabel } from './metrics.js'

export const requestLogPlugin = fp(
  async (app) => {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          method: request.method,
          path: request.url.split('?')[0],
          route: routeLabel(request),
          statusCode: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      )
    })
  },
  { name: 'parley-request-log' },
)
