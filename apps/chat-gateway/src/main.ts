/**
 * The chat gateway process: the only place that reads the environment and the command line,
 * creates the root logger, opens storage, makes sure the TLS certificates exist, listens, and
 * shuts down gracefully on SIGTERM/SIGINT.
 * @module
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAuth } from '@parley/auth'
import { ensureCerts, findRepoRoot } from '@parley/certs'
import { openStorage } from '@parley/storage'
import { pino } from 'pino'
import { ConfigError, loadConfig, USAGE } from './config.js'
import { createGateway } from './gateway.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = findRepoRoot(process.cwd()) ?? findRepoRoot(here) ?? process.cwd()

let loaded: ReturnType<typeof loadConfig>
try {
  loaded = loadConfig(process.env, process.argv.slice(2), { repoRoot })
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(2)
}
if (loaded.help) {
  console.log(USAGE)
  process.exit(0)
}
const { config } = loaded

const log = pino({
  name: 'chat-gateway',
  level: config.logLevel,
  redact: { paths: ['token', '*.token', 'password', '*.password', 'cookie', '*.cookie'], censor: '[redacted]' },
})

const certs = await ensureCerts(config.certsDir)
if (certs.created.ca || certs.created.leaf) {
  log.info({ certsDir: config.certsDir, ca: certs.created.ca, leaf: certs.created.leaf }, 'TLS certificates created')
}
const storage = await openStorage({
  sqlitePath: config.databasePath,
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
})
const auth = createAuth({
  storage,
  config: { blockDurationMs: config.blockDurationSeconds * 1000, minPasswordLength: config.minPasswordLength },
  log: log.child({ component: 'auth' }),
})

let gateway: Awaited<ReturnType<typeof createGateway>>
try {
  gateway = await createGateway(config, { log, storage, auth, tls: { key: certs.key, cert: certs.cert } })
} catch (error) {
  log.fatal({ err: error }, 'chat gateway failed to start')
  await storage.close()
  process.exit(1)
}
log.info(
  {
    host: gateway.host,
    port: gateway.port,
    url: `wss://${gateway.host}:${gateway.port}/`,
    ca: certs.caPath,
    backend: storage.backend,
    timeoutSeconds: config.timeoutSeconds,
    blockDurationSeconds: config.blockDurationSeconds,
  },
  'chat gateway listening',
)

let stopping = false
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'shutting down')
  // A stuck client must not keep the process alive forever.
  const force = setTimeout(() => {
    log.error('shutdown took too long: exiting')
    process.exit(1)
  }, 10_000)
  force.unref()
  try {
    await gateway.close()
    await storage.close()
    log.info('stopped')
  } catch (error) {
    log.error({ err: error }, 'shutdown failed')
    process.exitCode = 1
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal))
process.on('SIGINT', (signal) => void shutdown(signal))
