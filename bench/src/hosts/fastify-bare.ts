/**
 * Board baseline: a bare Fastify app with the board's transport (HTTP/2 with HTTP/1.1 fallback over
 * the same TLS) and two routes: `GET /` sends a fixed HTML string (the board page Parley rendered),
 * `POST /posts` parses the same form and answers 303 like the board. No logging, no plugins, no
 * storage: the framework's ceiling for the same bytes.
 * @module
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'

export function handlers(_metrics: ProcessMetrics) {
  let app: FastifyInstance | undefined
  return {
    async start(args: { tls: TlsFiles; html: string }): Promise<{ port: number }> {
      const tls = await readTls(args.tls)
      const server = Fastify({ http2: true, https: { allowHTTP1: true, key: tls.key, cert: tls.cert } })
      server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
        done(null, Object.fromEntries(new URLSearchParams(body as string))),
      )
      server.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(args.html))
      server.post('/posts', async (_request, reply) => reply.redirect('/', 303))
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
