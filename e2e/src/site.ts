/**
 * A whole Parley site for a test, in this process: one temp folder with TLS certificates (a local
 * CA), one real SQLite file, one injectable clock, and the real board (`createServer`) and chat
 * gateway (`startTestGateway` of chat-gateway/testing) on top, each with its own auth instance and captured pino log, as the
 * two processes run in production. Everything listens on 127.0.0.1, port 0.
 * @module
 */
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type Auth, type AuthConfig, createAuth } from '@parley/auth'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { TestClock } from '@parley/testing'
import { type BoardConfig, loadConfig as loadBoardConfig } from 'board/src/config.js'
import { createLocalPostEvents, type PostEvents } from 'board/src/events/post-events.js'
import type { BoardInstance } from 'board/src/http/types.js'
import { createLogger } from 'board/src/logging.js'
import { createMediaLibrary } from 'board/src/media/index.js'
import { createServer } from 'board/src/server.js'
import { type Gateway, type GatewayConfig, startTestGateway, testGatewayConfig } from 'chat-gateway/testing'
import { pino } from 'pino'
import { captureLogs, type LogCapture } from './log-capture.js'
import { type TempDir, tempDir } from './temp.js'

export const PASSWORD = 'correct horse battery'

export interface SiteOptions {
  /** Auth settings shared by the board and the gateway (as one deployment configures both). */
  auth?: Partial<AuthConfig>
}

export interface RunningBoard {
  app: BoardInstance
  config: BoardConfig
  auth: Auth
  events: PostEvents
  logs: LogCapture
  port: number
  /** `https://127.0.0.1:<port>` */
  origin: string
  close(): Promise<void>
}

export interface RunningGateway {
  gateway: Gateway
  config: GatewayConfig
  auth: Auth
  logs: LogCapture
  /** `wss://127.0.0.1:<port>/` */
  url: string
  close(): Promise<void>
}

/** The shared test settings (chat-gateway/testing) under this suite's instance id. */
export function gatewayTestConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return testGatewayConfig({ instanceId: 'e2e', ...overrides })
}

export class Site {
  readonly dir: TempDir
  readonly certs: CertFiles
  readonly storage: Storage
  readonly dbPath: string
  readonly mediaDir: string
  readonly clock = new TestClock()
  readonly authConfig: Partial<AuthConfig>
  readonly #closers: (() => Promise<void>)[] = []

  private constructor(dir: TempDir, certs: CertFiles, storage: Storage, authConfig: Partial<AuthConfig>) {
    this.dir = dir
    this.certs = certs
    this.storage = storage
    this.dbPath = join(dir.path, 'data', 'parley.db')
    this.mediaDir = join(dir.path, 'media')
    this.authConfig = authConfig
  }

  static async open(options: SiteOptions = {}): Promise<Site> {
    const dir = await tempDir('site')
    const certs = await ensureCerts(join(dir.path, 'certs'))
    const storage = await openSqliteStorage(join(dir.path, 'data', 'parley.db'), { writeWorker: true })
    const site = new Site(dir, certs, storage, options.auth ?? {})
    await mkdir(site.mediaDir, { recursive: true })
    return site
  }

  /** An auth instance over this site's storage and clock, logging into `logs` when given. */
  newAuth(logs?: LogCapture): Auth {
    return createAuth({
      storage: this.storage,
      now: this.clock.now,
      config: this.authConfig,
      ...(logs ? { log: pino({ level: 'debug' }, logs.stream) } : {}),
    })
  }

  /** Creates an account directly (no session), with the site's auth rules. */
  async createUser(username: string, password = PASSWORD): Promise<void> {
    await this.newAuth().createUser(username, password)
  }

  /** The real board, listening with TLS on 127.0.0.1 port 0. `env` as the board's environment. */
  async startBoard(env: Record<string, string> = {}): Promise<RunningBoard> {
    const config = loadBoardConfig(
      {
        AUTH_RATE_LIMIT: '1000',
        AUTH_CREATE_RATE_LIMIT: '100000',
        LOG_LEVEL: 'debug',
        DATABASE_PATH: this.dbPath,
        CERTS_DIR: join(this.dir.path, 'certs'),
        MEDIA_DIR: this.mediaDir,
        ...env,
      },
      { repoRoot: this.dir.path, cwd: this.dir.path },
    )
    const logs = captureLogs()
    const logger = createLogger(config.logLevel, logs.stream)
    const auth = createAuth({
      storage: this.storage,
      now: this.clock.now,
      log: logger.child({ module: 'auth' }),
      config: { minPasswordLength: config.minPasswordLength, ...this.authConfig },
    })
    const events = createLocalPostEvents()
    const app = await createServer(config, {
      logger,
      storage: this.storage,
      auth,
      tls: { key: this.certs.key, cert: this.certs.cert },
      media: createMediaLibrary(config.mediaDir),
      events,
      now: this.clock.now,
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as AddressInfo).port
    let closed = false
    const close = async () => {
      if (closed) return
      closed = true
      await app.close()
      await events.close()
    }
    this.#closers.push(close)
    return { app, config, auth, events, logs, port, origin: `https://127.0.0.1:${port}`, close }
  }

  /** The real chat gateway over this site's storage, with TLS on 127.0.0.1 port 0. */
  async startGateway(overrides: Partial<GatewayConfig> = {}): Promise<RunningGateway> {
    const logs = captureLogs()
    const log = pino({ level: 'debug' }, logs.stream)
    const auth = createAuth({
      storage: this.storage,
      now: this.clock.now,
      log: log.child({ component: 'auth' }),
      config: this.authConfig,
    })
    const test = await startTestGateway({
      config: gatewayTestConfig(overrides),
      storage: this.storage,
      certs: this.certs,
      clock: this.clock,
      auth,
      log,
    })
    let closed = false
    const close = async () => {
      if (closed) return
      closed = true
      await test.close()
    }
    this.#closers.push(close)
    return { gateway: test.gateway, config: test.config, auth, logs, url: test.url, close }
  }

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close()
    await this.storage.close()
    await this.dir.remove()
  }
}
