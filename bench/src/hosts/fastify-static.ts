/**
 * Media baseline when nginx is not installed: Fastify with @fastify/static alone over the same TLS
 * (HTTP/1.1), serving the same media folder at /media/. With `http2`, the board's transport instead
 * (HTTP/2 with HTTP/1.1 fallback): the bare-Fastify column of the h2load row.
 * @module
 */
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'

export function handlers(_metrics: ProcessMetrics) {
  let app: FastifyInstance | undefined
  return {
    async start(args: { tls: TlsFiles; mediaDir: string; http2?: boolean }): Promise<{ port: number }> {
      const tls = await readTls(args.tls)
      // One type for both transports: only register/listen/close are used.
      const server = (args.http2
        ? Fastify({ http2: true, https: { allowHTTP1: true, key: tls.key, cert: tls.cert } })
        : Fastify({ https: { key: tls.key, cert: tls.cert } })) as unknown as FastifyInstance
      await server.register(fastifyStatic, { root: args.mediaDir, prefix: '/media/' })
      await server.listen({ host: '127.0.0.1', port: 0 })
      app = server
      const address = server.server.address()
      return { port: typeof address === 'object' && address ? address.port : 0 }
    },
    async stop() {
      await app?.close()
    },
  }
}
