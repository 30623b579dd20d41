/**
 * `chat-gateway/testing`: the one way a test (of this app, the CLI, the board, e2e) or the bench starts
 * a real gateway. `startTestGateway(options)` builds a `GatewayConfig` from test defaults plus the
 * options' overrides and starts `createGateway` on 127.0.0.1, port 0, with real TLS from
 * @parley/certs, real SQLite storage in a temp dir and real auth (argon2id), a clock the test can
 * move forward and the log captured as JSON lines. Anything can be handed in instead (storage,
 * certificates, auth, bus, …): what the test hands in, the test closes.
 * Never imported by runtime code.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Auth, type AuthConfig, createAuth } from '@parley/auth'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openStorage, type Storage } from '@parley/storage'
import { TestClock } from '@parley/testing'
import { type Logger, pino } from 'pino'
import type { GatewayConfig } from './config.js'
import { createGateway, type Gateway, type GatewayDeps } from './gateway.js'

export type { GatewayConfig } from './config.js'
export type { Gateway, GatewayDeps } from './gateway.js'

/** The password test accounts get unless a test says otherwise. */
export const TEST_PASSWORD = 'correct horse battery'

/**
 * Test settings: loopback, any free port, no limit a test would trip over by accident (rates of
 * 1,000 frames a second), timers long enough not to fire during a test unless it shortens them.
 */
export function testGatewayConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    timeoutSeconds: 600,
    allowNewUsers: true,
    allowedOrigins: [],
    maxBufferedBytes: 1024 * 1024,
    heartbeatMs: 60_000,
    ratePerSecond: 1000,
    rateBurst: 1000,
    instanceId: 'test-gateway',
    ...overrides,
  }
}

export interface TestGatewayOptions {
  /** Settings over `testGatewayConfig`'s defaults. */
  config?: Partial<GatewayConfig>
  /** Storage shared with the test (the board's, PostgreSQL); default: a new SQLite file in the temp dir. */
  storage?: Storage
  /** Wraps the storage the gateway is given (fault injection); the test keeps the unwrapped one. */
  wrapStorage?: (storage: Storage) => Storage
  /** TLS certificates; default: made by @parley/certs in the temp dir. */
  certs?: CertFiles
  /** The clock of the default auth and of the gateway; default: a new TestClock. */
  clock?: TestClock
  /** Default: real auth over the storage and the clock, a lockout of 60 s, with `authConfig` over it. */
  auth?: Auth
  authConfig?: Partial<AuthConfig>
  /** Default: pino at debug level writing into `logLines`. */
  log?: Logger
  /** The rest of what `createGateway` accepts (bus, cluster, metrics, attempts, sharedCounters). */
  deps?: Partial<Omit<GatewayDeps, 'log' | 'storage' | 'auth' | 'tls' | 'now'>>
}

export interface TestGateway {
  /** The temp dir holding what the harness made (database, certificates); removed by `close()`. */
  readonly dir: string
  readonly certs: CertFiles
  /** The storage as the test sees it (not wrapped). */
  readonly storage: Storage
  readonly auth: Auth
  readonly clock: TestClock
  /** The gateway's log, one JSON line each (when no `log` was handed in). */
  readonly logLines: string[]
  /** The settings the gateway runs with; after the first start `port` is the real one. */
  readonly config: GatewayConfig
  /** The running gateway (throws while stopped). */
  readonly gateway: Gateway
  readonly port: number
  /** `wss://127.0.0.1:<port>/` */
  readonly url: string
  /** Creates an account with the harness's auth. */
  register(username: string, password?: string): Promise<void>
  /** Closes the gateway (clients get `bye {shutdown}`); storage and certificates stay. */
  stop(): Promise<void>
  /**
   * Starts it again on the same port and storage, as a restarted server, with `config` over the
   * settings; nothing to do while it runs (unless `config` is given: then it throws).
   */
  start(config?: Partial<GatewayConfig>): Promise<void>
  /** `stop()` then `start(config)`. */
  restart(config?: Partial<GatewayConfig>): Promise<void>
  /** Stops the gateway and closes and removes what the harness made itself. */
  close(): Promise<void>
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-gateway-'))
  const certs = options.certs ?? (await ensureCerts(join(dir, 'certs')))
  const ownStorage = options.storage === undefined
  const storage = options.storage ?? (await openStorage({ sqlitePath: join(dir, 'parley.db') }))
  const clock = options.clock ?? new TestClock()
  const auth =
    options.auth ?? createAuth({ storage, config: { blockDurationMs: 60_000, ...options.authConfig }, now: clock.now })
  const logLines: string[] = []
  const log = options.log ?? pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) })
  const gatewayStorage = options.wrapStorage ? options.wrapStorage(storage) : storage
  let config = testGatewayConfig(options.config)
  let running: Gateway | null = null

  const start = async (overrides: Partial<GatewayConfig> = {}): Promise<void> => {
    if (running && Object.keys(overrides).length === 0) return
    if (running) throw new Error('the test gateway is already running: stop it before changing its settings')
    config = { ...config, ...overrides }
    running = await createGateway(config, {
      ...options.deps,
      log,
      storage: gatewayStorage,
      auth,
      tls: { key: certs.key, cert: certs.cert },
      now: clock.now,
    })
    // A restart listens on the same port, so clients reconnect to the same address.
    config = { ...config, port: running.port }
  }
  const stop = async (): Promise<void> => {
    const gateway = running
    running = null
    await gateway?.close()
  }
  const gatewayOrThrow = (): Gateway => {
    if (!running) throw new Error('the test gateway is stopped')
    return running
  }

  try {
    await start()
  } catch (error) {
    if (ownStorage) await storage.close()
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return {
    dir,
    certs,
    storage,
    auth,
    clock,
    logLines,
    get config() {
      return config
    },
    get gateway() {
      return gatewayOrThrow()
    },
    get port() {
      return gatewayOrThrow().port
    },
    get url() {
      return `wss://127.0.0.1:${config.port}/`
    },
    register: async (username, password = TEST_PASSWORD) => {
      await auth.createUser(username, password)
    },
    stop,
    start,
    restart: async (overrides) => {
      await stop()
      await start(overrides)
    },
    close: async () => {
      await stop()
      if (ownStorage) await storage.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
