/**
 * A TCP relay in front of a shared service (Redis, PostgreSQL) that a test can cut and restore: a
 * real network outage between the apps and the server, without stopping a server other test runs
 * share. While cut it resets every open connection and every new one, as an unreachable or
 * rebooting server would.
 * @module
 */
import { once } from 'node:events'
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net'

export interface TcpRelay {
  readonly port: number
  /** `target` with host and port replaced by the relay's. */
  readonly url: string
  readonly isCut: boolean
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** A relay to `target` (a URL such as `redis://127.0.0.1:6379`; `defaultPort` when it names none) on 127.0.0.1, port 0. */
export async function startTcpRelay(target: string | URL, defaultPort: number): Promise<TcpRelay> {
  const targetUrl = new URL(target)
  const sockets = new Set<Socket>()
  let cut = false
  const server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy()
      return
    }
    const upstream = createConnection({
      host: targetUrl.hostname,
      port: Number(targetUrl.port || defaultPort),
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const url = new URL(targetUrl.href)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return {
    port,
    url: url.href,
    get isCut() {
      return cut
    },
    cut() {
      cut = true
      for (const socket of sockets) socket.resetAndDestroy()
    },
    restore() {
      cut = false
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
