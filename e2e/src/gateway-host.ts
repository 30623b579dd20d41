/**
 * A test host process for the real gateway: built exactly as apps/chat-gateway/src/main.ts builds
 * it (SQLite storage, argon2id auth, TLS, pino), plus an IPC channel the soak test uses to read the
 * process's memory after a forced garbage collection (run with `--expose-gc`). Settings come as one
 * JSON argument. Logs `{"msg":"host ready","port":N}` on stdout when listening.
 * @module
 */
import { createAuth } from '@parley/auth'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage } from '@parley/storage'
import type { GatewayConfig } from 'chat-gateway/src/config.js'
import { createGateway } from 'chat-gateway/src/gateway.js'
import { pino } from 'pino'

export interface HostSettings {
  dbPath: string
  certsDir: string
  config: GatewayConfig
}

export interface MemorySample {
  heapUsed: number
  rss: number
  external: number
  connections: number
}

const settings = JSON.parse(process.argv[2] ?? '{}') as HostSettings
const log = pino({ level: 'warn' })
const certs = await ensureCerts(settings.certsDir)
const storage = await openSqliteStorage(settings.dbPath, { writeWorker: true })
const auth = createAuth({ storage, log: log.child({ component: 'auth' }) })
const gateway = await createGateway(settings.config, {
  log,
  storage,
  auth,
  tls: { key: certs.key, cert: certs.cert },
})

const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    if (!gc) throw new Error('run the host with --expose-gc')
    gc()
    gc()
    const usage = process.memoryUsage()
    const sample: MemorySample = {
      heapUsed: usage.heapUsed,
      rss: usage.rss,
      external: usage.external,
      connections: gateway.connectionCount(),
    }
    process.send?.({ type: 'memory', sample })
  } else if (message.type === 'close') {
    void gateway
      .close()
      .then(() => storage.close())
      .then(() => process.exit(0))
  }
})
// pino writes asynchronously: print the ready line directly so the parent sees it at once.
process.stdout.write(`${JSON.stringify({ msg: 'host ready', port: gateway.port })}\n`)
