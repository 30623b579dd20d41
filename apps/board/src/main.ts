/**
 * Starts the board: reads the environment (the only place that does), creates certificates when
 * missing, opens storage, listens, and shuts down gracefully on SIGTERM/SIGINT.
 * @module
 */
import { createAuth, openAttemptLimiter, REVOKE_CHANNEL } from '@parley/auth'
import { openBus } from '@parley/bus'
import { loadCerts } from '@parley/certs'
import { authOptions, storageOptions } from '@parley/config'
import { createMetricsRegistry, isLoopbackHost, type MetricsServer, serveMetrics } from '@parley/metrics'
import { openStorage } from '@parley/storage'
import { ConfigError, loadConfig } from './config.js'
import { openBusNotificationEvents } from './events/notification-events.js'
import { openBusPostEvents } from './events/post-events.js'
import { openRevocations } from './events/revocations.js'
import { createLogger } from './logging.js'
import { createMediaLibrary } from './media/index.js'
import { createBoardMetrics } from './metrics/board-metrics.js'
import { createServer } from './server.js'

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>
  const deprecations: string[] = []
  try {
    config = loadConfig(process.env, { onWarning: (message) => deprecations.push(message) })
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }

  const logger = createLogger(config.logLevel)
  for (const message of deprecations) logger.warn(message)
  // Never the CA's key: a missing or expiring leaf is made by `pnpm certs` in a child process.
  const certs = await loadCerts(config.certsDir)
  if (certs.created.leaf)
    logger.info({ certPath: certs.certPath, reason: certs.created.leaf }, 'created the localhost certificate')

  const storage = await openStorage({
    ...storageOptions(config),
    // SQLite commits on a worker thread: an fsync never stalls the pages being served meanwhile.
    writeWorker: true,
  })
  // Redis when configured (several boards and gateways), else in-process (one board process).
  const busLogger = logger.child({ module: 'bus' })
  const bus = await openBus({
    redisUrl: config.redisUrl,
    prefix: config.busPrefix,
    logger: busLogger,
    redis: { clientName: 'parley-board' },
  })
  const auth = createAuth({
    storage,
    log: logger.child({ module: 'auth' }),
    config: authOptions(config),
    // Every board and gateway hears it and ends that session's live streams and chat sockets at once.
    onRevoke: (event) => bus.publish(REVOKE_CHANNEL, event),
  })
  // With Redis every board and gateway counts the same sign-in attempts (the keys share BUS_PREFIX).
  const attempts = openAttemptLimiter({
    redisUrl: config.redisUrl,
    prefix: config.busPrefix,
    limits: { loginPerMinute: config.authRateLimitPerMinute, createPerHour: config.authCreateRateLimitPerHour },
    log: logger.child({ module: 'attempts' }),
    clientName: 'parley-board-attempts',
  })
  // Counting together from the first sign-in (at worst 5 s: then alone until Redis answers).
  await attempts.ready()
  // Expired sessions are deleted hourly (the gateways do it too; deleting twice is harmless).
  const pruneSessions = setInterval(() => {
    auth.pruneExpiredSessions().catch((error: unknown) => logger.warn({ err: error }, 'expired sessions not deleted'))
  }, 3_600_000)
  pruneSessions.unref()
  const events = await openBusPostEvents(bus, busLogger)
  const revocations = await openRevocations(bus, busLogger)
  // Mentions and replies: unread counts on every board, a line in the chat on every gateway.
  const notifications = await openBusNotificationEvents(bus, busLogger)
  const metrics = config.metricsPort === undefined ? undefined : createBoardMetrics(createMetricsRegistry())
  const app = await createServer(config, {
    logger,
    storage,
    auth,
    tls: { key: certs.key, cert: certs.cert },
    media: createMediaLibrary(config.mediaDir),
    events,
    notifications,
    revocations,
    bus,
    now: Date.now,
    metrics,
    attempts,
  })
  let metricsServer: MetricsServer | null = null

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    // A client that never finishes must not keep the process alive for ever.
    setTimeout(() => {
      logger.error('in-flight requests did not finish within 10 s: exiting anyway')
      process.exit(1)
    }, 10_000).unref()
    try {
      clearInterval(pruneSessions)
      await metricsServer?.close()
      await app.close()
      await events.close()
      await revocations.close()
      await notifications.close()
      await bus.close()
      await attempts.close()
      await storage.close()
      logger.info('stopped')
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))

  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  logger.info(
    { url: `https://${config.host}:${port}/`, caPath: certs.caPath, bus: config.redisUrl ? 'redis' : 'in-process' },
    `Parley board on https://${config.host}:${port}/`,
  )
  if (metrics && config.metricsPort !== undefined) {
    // Off loopback the scrape crosses a network: TLS with the board's own certificate (and a token, see config.ts).
    metricsServer = await serveMetrics(metrics.registry, {
      host: config.metricsHost,
      port: config.metricsPort,
      token: config.metricsToken ?? null,
      tls: isLoopbackHost(config.metricsHost) ? null : { key: certs.key, cert: certs.cert },
      log: logger.child({ module: 'metrics' }),
    })
    logger.info(
      { url: metricsServer.url, tokenRequired: config.metricsToken !== undefined },
      `Prometheus metrics on ${metricsServer.url}`,
    )
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
