/**
 * The chat gateway process: the only place that reads the environment and the command line,
 * creates the root logger, opens storage, makes sure the TLS certificates exist, listens, and
 * shuts down gracefully on SIGTERM/SIGINT.
 * @module
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAuth, createRedisAttemptStore, openAttemptLimiter, REVOKE_CHANNEL } from '@parley/auth'
import { openBus } from '@parley/bus'
import { findRepoRoot, loadCerts } from '@parley/certs'
import { authOptions, LOG_REDACTION, storageOptions } from '@parley/config'
import { createMetricsRegistry, isLoopbackHost, type MetricsServer, serveMetrics } from '@parley/metrics'
import { openStorage } from '@parley/storage'
import { pino } from 'pino'
import { openCluster } from './cluster/open-cluster.js'
import { ConfigError, loadConfig, USAGE } from './config.js'
import { createGateway } from './gateway.js'
import { createGatewayMetrics } from './metrics.js'

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
  redact: { paths: [...LOG_REDACTION.paths], censor: LOG_REDACTION.censor },
})
for (const message of loaded.warnings) log.warn(message)

// Never the CA's key: a missing or expiring leaf is made by `pnpm certs` in a child process.
const certs = await loadCerts(config.certsDir)
if (certs.created.leaf) {
  log.info({ certsDir: config.certsDir, leaf: certs.created.leaf }, 'TLS certificate created')
}
const storage = await openStorage({
  ...storageOptions(config),
  // SQLite commits on a worker thread: an fsync never stalls the deliveries of everyone else.
  writeWorker: true,
})
// Redis when configured (several gateways and boards), else in-process: then revocations made on the
// board reach this process only through the heartbeat's session re-check.
const bus = await openBus({
  redisUrl: config.redisUrl,
  prefix: config.busPrefix,
  logger: log.child({ component: 'bus' }),
  redis: { clientName: `parley-gateway-${config.instanceId.replace(/[^A-Za-z0-9:._-]/g, '_')}`.slice(0, 100) },
})
const cluster = await openCluster({
  redisUrl: config.redisUrl,
  prefix: config.busPrefix,
  instanceId: config.instanceId,
  ttlMs: config.instanceTtlMs,
  log,
})
const auth = createAuth({
  storage,
  config: authOptions(config),
  log: log.child({ component: 'auth' }),
  // Every gateway and board hears it and ends that session's sockets and streams at once.
  onRevoke: (event) => bus.publish(REVOKE_CHANNEL, event),
})
// With Redis every gateway and board counts the same sign-in attempts (the keys share BUS_PREFIX).
const attempts = openAttemptLimiter({
  redisUrl: config.redisUrl,
  prefix: config.busPrefix,
  limits: {
    loginPerMinute: config.authRateLimitPerMinute,
    lookupPerMinute: config.authLookupRateLimitPerMinute,
    createPerHour: config.authCreateRateLimitPerHour,
  },
  log: log.child({ component: 'attempts' }),
  clientName: `parley-attempts-${config.instanceId.replace(/[^A-Za-z0-9:._-]/g, '_')}`.slice(0, 100),
})
// Counting together from the first sign-in (at worst 5 s: then alone until Redis answers).
await attempts.ready()
// Per-user message rates counted across every gateway (one-second windows in Redis).
const sharedCounters = config.redisUrl
  ? createRedisAttemptStore({
      url: config.redisUrl,
      prefix: config.busPrefix,
      log: log.child({ component: 'user-rates' }),
      clientName: `parley-rates-${config.instanceId.replace(/[^A-Za-z0-9:._-]/g, '_')}`.slice(0, 100),
    })
  : undefined
const metricsRegistry = createMetricsRegistry({
  prefix: 'parley_chat_',
  defaultLabels: { service: 'chat-gateway', instance: config.instanceId },
})
const metrics = createGatewayMetrics(metricsRegistry)

async function closeResources(): Promise<void> {
  await attempts.close()
  await sharedCounters?.close()
  await cluster.close()
  await bus.close()
  await storage.close()
}

let gateway: Awaited<ReturnType<typeof createGateway>>
let metricsServer: MetricsServer | null = null
try {
  gateway = await createGateway(config, {
    log,
    storage,
    auth,
    bus,
    cluster,
    metrics,
    attempts,
    ...(sharedCounters ? { sharedCounters } : {}),
    // Without Redis the board's notifications reach this process only through the database.
    ...(config.redisUrl ? {} : { notificationPollMs: 2000 }),
    tls: { key: certs.key, cert: certs.cert },
  })
  if (config.metricsPort !== undefined) {
    metricsServer = await serveMetrics(metricsRegistry, {
      host: config.metricsHost,
      port: config.metricsPort,
      token: config.metricsToken ?? null,
      // Off loopback the scrape crosses a network: TLS with the gateway's own certificate, and a token.
      tls: isLoopbackHost(config.metricsHost) ? null : { key: certs.key, cert: certs.cert },
      log: log.child({ component: 'metrics' }),
    })
    log.info({ url: metricsServer.url, tokenRequired: config.metricsToken !== undefined }, 'metrics server listening')
  }
} catch (error) {
  log.fatal({ err: error }, 'chat gateway failed to start')
  await closeResources()
  process.exit(1)
}
log.info(
  {
    host: gateway.host,
    port: gateway.port,
    url: `wss://${gateway.host}:${gateway.port}/`,
    ca: certs.caPath,
    backend: storage.backend,
    bus: config.redisUrl ? 'redis' : 'in-process',
    instanceId: config.instanceId,
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
    await metricsServer?.close()
    await closeResources()
    log.info('stopped')
  } catch (error) {
    log.error({ err: error }, 'shutdown failed')
    process.exitCode = 1
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal))
process.on('SIGINT', (signal) => void shutdown(signal))
