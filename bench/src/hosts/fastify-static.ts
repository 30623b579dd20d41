/**
 * Media baseline when nginx is not installed: Fastify with @fastify/static alone over the same TLS
 * (HTTP/1.1), serving the same media folder at /media/.
 * @module
 */
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'

export function handlers(_metrics: ProcessMetrics) {
  let app: FastifyInstance | undefined
  return {
    async start(args: { tls: TlsFiles; mediaDir: string }): Promise<{ port: number }> {
      const tls = await readTls(args.tls)
      const server = Fastify({ https: { key: tls.key, cert: tls.cert } })
      await server.register(fastifyStatic, { root: args.mediaDir, prefix: '/media/' })
      await server.listen({ host: '127.0.0.1', port: 0 })
      app = server as unknown as FastifyInstance
      const address = server.server.address()
      return { port: typeof address === 'object' && address ? address.port : 0 }
    },
    async stop() {
      await app?.close()
    },
  }
}
