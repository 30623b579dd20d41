/**
 * A real gateway for a test: TLS certificates and a SQLite database in a temp dir, real auth
 * (argon2id at its minimum cost), a clock the test can move forward, and a log captured as
 * objects. `restart()` closes the gateway and creates a new one on the same database.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AttemptLimiter, type AttemptStore, type Auth, createAuth } from '@parley/auth'
import type { Bus } from '@parley/bus'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openStorage, type Storage } from '@parley/storage'
import { TestClock } from '@parley/testing'
import { pino } from 'pino'
import type { GatewayConfig } from '../../src/config.js'
import { createGateway, type Gateway } from '../../src/gateway.js'
import type { GatewayMetrics } from '../../src/metrics.js'
import { TestClient } from './client.js'

export const PASSWORD = 'correct horse battery'
export const BOARD_ORIGIN = 'https://localhost:8181'

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    timeoutSeconds: 600,
    allowNewUsers: true,
    allowedOrigins: [BOARD_ORIGIN],
    maxBufferedBytes: 1024 * 1024,
    heartbeatMs: 60_000,
    ratePerSecond: 1000,
    rateBurst: 1000,
    instanceId: 'test-instance',
    ...overrides,
  }
}

export interface HarnessOptions {
  config?: Partial<GatewayConfig>
  blockDurationMs?: number
  /** Counters and gauges to record into (default: a private registry). */
  metrics?: GatewayMetrics
  /** Sign-in attempt limits (default: none). */
  attempts?: AttemptLimiter
  /** The bus the gateway uses (default: its own in-process one); the test may publish on it. */
  bus?: Bus
  /** Counts shared with other gateways (per-user rates); default: none. */
  sharedCounters?: AttemptStore
}

export class Harness {
  readonly dir: string
  readonly certs: CertFiles
  readonly storage: Storage
  readonly auth: Auth
  readonly clock: TestClock
  readonly logLines: string[] = []
  config: GatewayConfig
  gateway!: Gateway
  readonly #clients: TestClient[] = []
  #metrics: GatewayMetrics | undefined
  #attempts: AttemptLimiter | undefined
  #bus: Bus | undefined
  #sharedCounters: AttemptStore | undefined

  private constructor(
    dir: string,
    certs: CertFiles,
    storage: Storage,
    auth: Auth,
    clock: TestClock,
    config: GatewayConfig,
  ) {
    this.dir = dir
    this.clock = clock
    this.certs = certs
    this.storage = storage
    this.auth = auth
    this.config = config
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-gateway-'))
    const certs = await ensureCerts(join(dir, 'certs'))
    const storage = await openStorage({ sqlitePath: join(dir, 'parley.db') })
    const clock = new TestClock()
    const auth = createAuth({
      storage,
      config: { blockDurationMs: options.blockDurationMs ?? 60_000 },
      now: clock.now,
    })
    const harness = new Harness(dir, certs, storage, auth, clock, testConfig(options.config))
    harness.#metrics = options.metrics
    harness.#attempts = options.attempts
    harness.#bus = options.bus
    harness.#sharedCounters = options.sharedCounters
    await harness.#create()
    return harness
  }

  /** Message-store calls that fail once, next time they are made (fault injection). */
  readonly #faults = new Map<string, Error>()

  /** The next call of `storage.messages[method]` made by the gateway throws `error`. */
  failNext(method: keyof Storage['messages'], error: Error): void {
    this.#faults.set(method, error)
  }

  #faultyStorage(): Storage {
    const faults = this.#faults
    const messages = new Proxy(this.storage.messages, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          const fault = faults.get(property as string)
          if (fault) {
            faults.delete(property as string)
            return Promise.reject(fault)
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    return new Proxy(this.storage, {
      get: (target, property, receiver) =>
        property === 'messages' ? messages : Reflect.get(target, property, receiver),
    })
  }

  async #create(): Promise<void> {
    const sink = { write: (line: string) => void this.logLines.push(line) }
    this.gateway = await createGateway(this.config, {
      log: pino({ level: 'debug' }, sink),
      storage: this.#faultyStorage(),
      auth: this.auth,
      tls: { key: this.certs.key, cert: this.certs.cert },
      now: this.clock.now,
      ...(this.#metrics ? { metrics: this.#metrics } : {}),
      ...(this.#attempts ? { attempts: this.#attempts } : {}),
      ...(this.#bus ? { bus: this.#bus } : {}),
      ...(this.#sharedCounters ? { sharedCounters: this.#sharedCounters } : {}),
    })
  }

  get url(): string {
    return `wss://127.0.0.1:${this.gateway.port}/`
  }

  /** Closes the gateway and starts a new one on the same database (same port not kept). */
  async restart(config: Partial<GatewayConfig> = {}): Promise<void> {
    await this.gateway.close()
    this.config = { ...this.config, ...config }
    await this.#create()
  }

  async connect(options: { origin?: string; cookie?: string; autoPong?: boolean } = {}): Promise<TestClient> {
    const client = await TestClient.connect(this.url, { ca: this.certs.ca, ...options })
    this.#clients.push(client)
    return client
  }

  async register(username: string, password = PASSWORD): Promise<void> {
    await this.auth.createUser(username, password)
  }

  /** A client logged in as `username` (registered first when needed). */
  async loginAs(username: string, password = PASSWORD): Promise<TestClient> {
    if (!(await this.auth.userExists(username))) await this.register(username, password)
    const client = await this.connect()
    await client.login(username, password)
    return client
  }

  async userId(username: string): Promise<number> {
    const row = await this.storage.users.getUserByKey(this.auth.normalizeUsername(username).usernameKey)
    if (!row) throw new Error(`no user ${username}`)
    return row.id
  }

  /** Every frame the gateway sent matched the protocol schemas. */
  invalidFrames(): string[] {
    return this.#clients.flatMap((client) => client.invalid)
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.terminate()
    await this.gateway.close()
    await this.storage.close()
    await rm(this.dir, { recursive: true, force: true })
  }
}
