/**
 * Baseline: a bare `ws` server over the same TLS that forwards frames without looking at them. A
 * client connecting with `?peer=N` has every frame forwarded to client N (1:1); without it, every
 * frame goes to all other clients (fan-out). The practical ceiling of a Node WebSocket relay.
 * @module
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'

export function handlers(_metrics: ProcessMetrics) {
  let server: Server | undefined
  let wss: WebSocketServer | undefined

  async function stop(): Promise<void> {
    for (const client of wss?.clients ?? []) client.terminate()
    wss?.close()
    server?.closeAllConnections()
    if (server) await new Promise((resolve) => server?.close(resolve))
    server = undefined
  }

  return {
    async start(args: { tls: TlsFiles }): Promise<{ port: number }> {
      const tls = await readTls(args.tls)
      server = createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' })
      wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 })
      const byId = new Map<string, WebSocket>()
      const everyone = wss.clients
      wss.on('connection', (ws, req) => {
        const query = new URL(req.url ?? '/', 'https://localhost').searchParams
        const id = query.get('id') ?? ''
        const peer = query.get('peer')
        byId.set(id, ws)
        ws.on('close', () => byId.delete(id))
        ws.on('message', (data, isBinary) => {
          if (peer !== null) {
            byId.get(peer)?.send(data, { binary: isBinary })
            return
          }
          for (const client of everyone) {
            if (client !== ws && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary })
          }
        })
      })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return { port: (server.address() as AddressInfo).port }
    },
    stop,
  }
}
