/**
 * The REAL chat gateway for CLI end-to-end tests: `createGateway` from apps/chat-gateway with real
 * TLS certificates, a SQLite database in a temp dir and real auth; `restart()` brings it back on
 * the SAME port, as a restarted server would be.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Auth, createAuth } from '@parley/auth'
import { createMemoryBus } from '@parley/bus'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openStorage, type Storage } from '@parley/storage'
import { TestClock } from '@parley/testing'
import { pino } from 'pino'
import type { GatewayConfig } from '../../../chat-gateway/src/config.js'
import { createGateway, type Gateway } from '../../../chat-gateway/src/gateway.js'

export const PASSWORD = 'correct horse battery'

export class RealGateway {
  readonly dir: string
  readonly certs: CertFiles
  readonly storage: Storage
  readonly auth: Auth
  readonly clock: TestClock
  config: GatewayConfig
  gateway: Gateway | null = null
  /** The gateway's bus: a test publishes on it what the board would (notifications). */
  readonly bus = createMemoryBus()

  private constructor(
    dir: string,
    certs: CertFiles,
    storage: Storage,
    auth: Auth,
    clock: TestClock,
    config: GatewayConfig,
  ) {
    this.dir = dir
    this.certs = certs
    this.storage = storage
    this.auth = auth
    this.clock = clock
    this.config = config
  }

  static async start(config: Partial<GatewayConfig> = {}): Promise<RealGateway> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-cli-e2e-'))
    const certs = await ensureCerts(join(dir, 'certs'))
    const storage = await openStorage({ sqlitePath: join(dir, 'parley.db') })
    const clock = new TestClock()
    const auth = createAuth({ storage, config: { blockDurationMs: 60_000 }, now: clock.now })
    const full: GatewayConfig = {
      host: '127.0.0.1',
      port: 0,
      timeoutSeconds: 600,
      allowNewUsers: true,
      allowedOrigins: [],
      maxBufferedBytes: 1024 * 1024,
      heartbeatMs: 30_000,
      ratePerSecond: 1000,
      rateBurst: 1000,
      instanceId: 'cli-e2e',
      ...config,
    }
    const real = new RealGateway(dir, certs, storage, auth, clock, full)
    await real.listen()
    return real
  }

  get port(): number {
    if (!this.gateway) throw new Error('the gateway is stopped')
    return this.gateway.port
  }

  get url(): string {
    return `wss://127.0.0.1:${this.config.port}/`
  }

  get caPath(): string {
    return this.certs.caPath
  }

  async listen(): Promise<void> {
    this.gateway = await createGateway(this.config, {
      log: pino({ level: 'silent' }),
      storage: this.storage,
      auth: this.auth,
      tls: { key: this.certs.key, cert: this.certs.cert },
      now: this.clock.now,
      bus: this.bus,
    })
    // Later restarts reuse the port, so clients reconnect to the same address.
    this.config = { ...this.config, port: this.gateway.port }
  }

  async stop(): Promise<void> {
    const gateway = this.gateway
    this.gateway = null
    await gateway?.close()
  }

  async register(username: string, password = PASSWORD): Promise<void> {
    await this.auth.createUser(username, password)
  }

  async close(): Promise<void> {
    await this.stop()
    await this.bus.close()
    await this.storage.close()
    await rm(this.dir, { recursive: true, force: true })
  }
}
