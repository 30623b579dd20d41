/**
 * Test helpers for the chat in the browser: the REAL board (createServer) and the REAL chat gateway
 * (`startTestGateway` of chat-gateway/testing) sharing one temp SQLite database and one set of
 * certificates, as one deployment runs them (Chromium comes from @parley/testing's launchChromium).
 * Everything on 127.0.0.1.
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createServer as createNetServer } from 'node:net'
import { type Auth, createAuth } from '@parley/auth'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { type Gateway, type GatewayConfig, startTestGateway } from 'chat-gateway/testing'
import { pino } from 'pino'
import { createTestBoard, type TestBoard } from './support.js'

export const PASSWORD = 'correct horse battery'

/** A free TCP port on 127.0.0.1 (the gateway's, which the board must know before it is created). */
async function freePort(): Promise<number> {
  const server = createNetServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface ChatSite {
  board: TestBoard
  /** `https://127.0.0.1:<port>` */
  boardOrigin: string
  gateway: Gateway
  gatewayPort: number
  /** `wss://127.0.0.1:<port>/` */
  gatewayUrl: string
  gatewayAuth: Auth
  certs: CertFiles
  /** The gateway's log lines (JSON). */
  gatewayLogs: string[]
  /** Closes the gateway (clients get `bye {shutdown}`). */
  stopGateway(): Promise<void>
  /** Starts the gateway again on the same port and database, as a restarted server. */
  startGateway(): Promise<void>
  createUser(username: string, password?: string): Promise<void>
  close(): Promise<void>
}

export async function startChatSite(gatewayOverrides: Partial<GatewayConfig> = {}): Promise<ChatSite> {
  const gatewayPort = await freePort()
  const board = await createTestBoard({ env: { CHAT_GATEWAY_ORIGINS: `wss://127.0.0.1:${gatewayPort}` } })
  await board.app.listen({ host: '127.0.0.1', port: 0 })
  const boardOrigin = `https://127.0.0.1:${(board.app.server.address() as AddressInfo).port}`
  const certs = await ensureCerts(board.config.certsDir)
  const gatewayLogs: string[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => void gatewayLogs.push(line) })
  // Its own auth instance over the same storage, as the gateway process has in production.
  const gatewayAuth = createAuth({
    storage: board.storage,
    log: log.child({ module: 'auth' }),
    config: { minPasswordLength: board.config.minPasswordLength, blockDurationMs: 60_000 },
  })
  const test = await startTestGateway({
    config: {
      port: gatewayPort,
      allowedOrigins: [boardOrigin],
      heartbeatMs: 30_000,
      instanceId: 'board-chat-test',
      ...gatewayOverrides,
    },
    storage: board.storage,
    certs,
    auth: gatewayAuth,
    log,
  })

  const site: ChatSite = {
    board,
    boardOrigin,
    get gateway() {
      return test.gateway
    },
    gatewayPort,
    gatewayUrl: `wss://127.0.0.1:${gatewayPort}/`,
    gatewayAuth,
    certs,
    gatewayLogs,
    stopGateway: () => test.stop(),
    startGateway: () => test.start(),
    async createUser(username, password = PASSWORD) {
      await board.auth.createUser(username, password)
    },
    async close() {
      await test.close()
      await board.close()
    },
  }
  return site
}
