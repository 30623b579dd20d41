/**
 * `/healthz`: the process is alive and serving. `/readyz`: it can do its work (storage answers a
 * query) and is not shutting down; load balancers stop sending traffic when it fails.
 * @module
 */
import type { Storage } from '@parley/storage'
import { Type } from 'typebox'
import type { BoardPlugin } from '../http/types.js'

export interface HealthRoutesOptions {
  storage: Storage
}

const Health = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) })

export const healthRoutes: BoardPlugin<HealthRoutesOptions> = async (app, { storage }) => {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })

  app.get('/healthz', { schema: { response: { 200: Health } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok' }
  })

  app.get('/readyz', { schema: { response: { 200: Health, 503: Health } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    if (closing) return reply.code(503).send({ status: 'unavailable', reason: 'shutting down' })
    try {
      await storage.posts.listPosts({ limit: 1 })
      return { status: 'ok' }
    } catch (error) {
      request.log.error({ err: error }, 'readiness check: storage unreachable')
      return reply.code(503).send({ status: 'unavailable', reason: 'storage unreachable' })
    }
  })
}
