/**
 * Baseline: the Socket.IO server a team would pick instead, over the same TLS, WebSocket transport
 * only (no long-polling upgrade dance), no compression. `broadcast` goes to every other socket,
 * `message` to the socket named by the sender's `peer` query, each as `{ from, text, at }`.
 * @module
 */
import { once } from 'node:events'
import { createServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Server, type Socket } from 'socket.io'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'

export function handlers(_metrics: ProcessMetrics) {
  let server: HttpsServer | undefined
  let io: Server | undefined

  async function stop(): Promise<void> {
    io?.disconnectSockets(true)
    server?.closeAllConnections()
    if (io) await new Promise((resolve) => io?.close(() => resolve(undefined)))
    io = undefined
    server = undefined
  }

  return {
    async start(args: { tls: TlsFiles }): Promise<{ port: number }> {
      const tls = await readTls(args.tls)
      server = createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' })
      io = new Server(server, {
        transports: ['websocket'],
        perMessageDeflate: false,
        serveClient: false,
        maxHttpBufferSize: 64 * 1024,
      })
      const byId = new Map<string, Socket>()
      io.on('connection', (socket) => {
        const id = String(socket.handshake.query.id ?? '')
        const peer = socket.handshake.query.peer
        byId.set(id, socket)
        socket.on('disconnect', () => byId.delete(id))
        socket.on('broadcast', (text: string) => {
          socket.broadcast.emit('broadcast', { from: id, text, at: Date.now() })
        })
        socket.on('message', (text: string) => {
          if (typeof peer === 'string') byId.get(peer)?.emit('message', { from: id, text, at: Date.now() })
        })
      })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return { port: (server.address() as AddressInfo).port }
    },
    stop,
  }
}
