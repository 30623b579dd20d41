/**
 * Graceful shutdown for the HTTP/2 + HTTP/1.1 server. Node 20's Http2SecureServer.close() stops
 * accepting but waits for every open connection, and idle keep-alive connections and HTTP/2
 * sessions would hold it open until they time out; destroying them all would cut in-flight
 * requests. So on close: HTTP/2 sessions get a GOAWAY (session.close() lets open streams finish),
 * idle HTTP/1.1 sockets are ended at once, and busy ones right after their last response.
 * Long-lived responses (SSE) register a closer in `app.longLived` and are ended first.
 * @module
 */
import type { Http2SecureServer, ServerHttp2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** Closers of open long-lived responses, called when the server shuts down. */
    longLived: Set<() => void>
  }
}

export const gracefulClosePlugin = fp(
  async (app) => {
    const server = app.server as unknown as Http2SecureServer
    const sessions = new Set<ServerHttp2Session>()
    /** HTTP/1.1 sockets and how many responses each has in flight. */
    const http1 = new Map<Socket, number>()
    let closing = false
    app.decorate('longLived', new Set<() => void>())

    server.on('session', (session) => {
      sessions.add(session)
      session.once('close', () => sessions.delete(session))
      if (closing) session.close()
    })
    server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol === 'h2') return
      http1.set(socket, 0)
      socket.once('close', () => http1.delete(socket))
    })

    app.addHook('onRequest', async (request, reply) => {
      const raw = request.raw
      if (raw.httpVersionMajor !== 1) return
      const socket = raw.socket as Socket
      const inFlight = http1.get(socket)
      if (inFlight === undefined) return // not a connection of ours (inject)
      http1.set(socket, inFlight + 1)
      reply.raw.once('close', () => {
        const left = (http1.get(socket) ?? 1) - 1
        http1.set(socket, left)
        if (closing && left === 0) socket.end()
      })
      if (closing) reply.header('connection', 'close')
    })

    app.addHook('preClose', async () => {
      closing = true
      for (const close of app.longLived) close()
      app.longLived.clear()
      for (const session of sessions) session.close()
      for (const [socket, inFlight] of http1) if (inFlight === 0) socket.end()
    })
  },
  { name: 'parley-graceful-close' },
)
