/**
 * `/healthz`: the process is alive and serving. `/readyz`: it can do its work (storage answers a
 * query) and is not shutting down; load balancers stop sending traffic when it fails. `/readyz` also
 * reports the bus, like the gateway's `/healthz`: a bus that is down degrades the board (other
 * instances' live updates and revocations are late) but does not make it unready, since every
 * instance shares one Redis and failing on it would empty the whole pool.
 * @module
 */
import type { Storage } from '@parley/storage'
import { Type } from 'typebox'
import type { BoardPlugin } from '../http/types.js'

export interface HealthRoutesOptions {
  storage: Storage
  bus?: { readonly healthy: boolean }
}

const Health = Type.Object({
  status: Type.String(),
  reason: Type.Optional(Type.String()),
  bus: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('unavailable')])),
})

export const healthRoutes: BoardPlugin<HealthRoutesOptions> = async (app, { storage, bus }) => {
  const busState = () => (bus ? { bus: bus.healthy ? ('ok' as const) : ('unavailable' as const) } : {})
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
    if (closing) return reply.code(503).send({ status: 'unavailable', reason: 'shutting down', ...busState() })
    try {
      await storage.posts.listPosts({ limit: 1 })
      return { status: 'ok', ...busState() }
    } catch (error) {
      request.log.error({ err: error }, 'readiness check: storage unreachable')
      return reply.code(503).send({ status: 'unavailable', reason: 'storage unreachable', ...busState() })
    }
  })
}
