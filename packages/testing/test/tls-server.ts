/** A real HTTPS server on 127.0.0.1, port 0, with a fresh local CA and leaf in a temp dir. */
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CertFiles, ensureCerts } from '@parley/certs'

export interface TlsServer {
  server: Server
  certs: CertFiles
  port: number
  close(): Promise<void>
}

export async function startTlsServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end(),
): Promise<TlsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-testing-'))
  const certs = await ensureCerts(dir)
  const server = createServer({ key: certs.key, cert: certs.cert }, handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    server,
    certs,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
