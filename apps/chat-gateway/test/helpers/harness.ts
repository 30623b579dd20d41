/**
 * A real gateway for this app's tests: `startTestGateway` (src/testing.ts, the test entry every
 * suite shares) plus protocol test clients, fault injection and a few shortcuts. TLS certificates
 * and a SQLite database in a temp dir, real auth (argon2id at its minimum cost), a clock the test
 * can move forward, and a log captured as JSON lines. `restart()` closes the gateway and starts a
 * new one on the same database and port.
 */
import type { AttemptLimiter, AttemptStore, Auth } from '@parley/auth'
import type { Bus } from '@parley/bus'
import type { CertFiles } from '@parley/certs'
import type { Storage } from '@parley/storage'
import type { TestClock } from '@parley/testing'
import type { GatewayConfig } from '../../src/config.js'
import type { Gateway } from '../../src/gateway.js'
import type { GatewayMetrics } from '../../src/metrics.js'
import { startTestGateway, TEST_PASSWORD, type TestGateway, testGatewayConfig } from '../../src/testing.js'
import type { Timers } from '../../src/timers.js'
import { TestClient } from './client.js'

export const PASSWORD = TEST_PASSWORD
export const BOARD_ORIGIN = 'https://localhost:8181'

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return testGatewayConfig({ allowedOrigins: [BOARD_ORIGIN], instanceId: 'test-instance', ...overrides })
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
  /** The heartbeat's and the connections' timers, e.g. a ManualTimers the test moves forward; default: real ones. */
  timers?: Timers
}

/** Storage whose message-store calls fail once when a fault is set for them. */
function faultyStorage(storage: Storage, faults: Map<string, Error>): Storage {
  const messages = new Proxy(storage.messages, {
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
  return new Proxy(storage, {
    get: (target, property, receiver) => (property === 'messages' ? messages : Reflect.get(target, property, receiver)),
  })
}

export class Harness {
  readonly #test: TestGateway
  readonly #faults: Map<string, Error>
  readonly #clients: TestClient[] = []

  private constructor(test: TestGateway, faults: Map<string, Error>) {
    this.#test = test
    this.#faults = faults
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const faults = new Map<string, Error>()
    const test = await startTestGateway({
      config: testConfig(options.config),
      authConfig: { blockDurationMs: options.blockDurationMs ?? 60_000 },
      wrapStorage: (storage) => faultyStorage(storage, faults),
      deps: {
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(options.attempts ? { attempts: options.attempts } : {}),
        ...(options.bus ? { bus: options.bus } : {}),
        ...(options.sharedCounters ? { sharedCounters: options.sharedCounters } : {}),
        ...(options.timers ? { timers: options.timers } : {}),
      },
    })
    return new Harness(test, faults)
  }

  get dir(): string {
    return this.#test.dir
  }
  get certs(): CertFiles {
    return this.#test.certs
  }
  get storage(): Storage {
    return this.#test.storage
  }
  get auth(): Auth {
    return this.#test.auth
  }
  get clock(): TestClock {
    return this.#test.clock
  }
  get logLines(): string[] {
    return this.#test.logLines
  }
  get config(): GatewayConfig {
    return this.#test.config
  }
  get gateway(): Gateway {
    return this.#test.gateway
  }
  get url(): string {
    return this.#test.url
  }

  /** The next call of `storage.messages[method]` made by the gateway throws `error`. */
  failNext(method: keyof Storage['messages'], error: Error): void {
    this.#faults.set(method, error)
  }

  /** Closes the gateway and starts a new one on the same database and port. */
  async restart(config: Partial<GatewayConfig> = {}): Promise<void> {
    await this.#test.restart(config)
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
    await this.#test.close()
  }
}
