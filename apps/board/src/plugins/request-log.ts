/**
 * One log line per finished request (instead of Fastify's two, see `OneLineLogController`): method,
 * path without the query, route pattern, status and time. The user id comes from the request's
 * child logger (plugins/session.ts); bodies, cookies and tokens are never logged.
 * @module
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import fp from 'fastify-plugin'
import { routeLabel } from './metrics.js'

/**
 * Fastify's log controller without its "incoming request" and "request completed" lines (the hook
 * below writes the one line); its other lines (request errors, broken streams, …) stay.
 */
export class OneLineLogController extends LogController {
  override incomingRequest(): void {
    // replaced by the onResponse line
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) super.requestCompleted(error, request, reply)
  }
}

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
