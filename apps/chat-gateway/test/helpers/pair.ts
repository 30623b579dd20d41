/**
 * Two real gateways in this process joined as production joins them: each with its own Redis bus
 * (a unique prefix per run) and its own Redis shared state, over one SQLite database. A third bus
 * stands for the board, which publishes revocations.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Auth, createAuth, REVOKE_CHANNEL, type RevokeEvent } from '@parley/auth'
import { type Bus, openBus } from '@parley/bus'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openStorage, type Storage } from '@parley/storage'
import { pino } from 'pino'
import { openRedisCluster } from '../../src/cluster/redis-cluster.js'
import type { ClusterState } from '../../src/cluster/types.js'
import type { GatewayConfig } from '../../src/config.js'
import { createGateway, type Gateway } from '../../src/gateway.js'
import { TestClient } from './client.js'
import { PASSWORD, testConfig } from './harness.js'
import { type AdminClient, connectAdmin, redisUrl, removeKeys, uniquePrefix } from './redis.js'

export interface PairOptions {
  heartbeatMs?: number
  ttlMs?: number
  /** Settings for both gateways (the instance id and heartbeat are the pair's). */
  config?: Partial<GatewayConfig>
}

export class GatewayPair {
  readonly dir: string
  readonly certs: CertFiles
  readonly storage: Storage
  /** For registering users, as an admin tool would. */
  readonly auth: Auth
  readonly prefix: string
  readonly gateways: Gateway[] = []
  readonly logLines: string[][] = [[], []]
  readonly #buses: Bus[] = []
  readonly #clusters: ClusterState[] = []
  readonly #clients: TestClient[] = []
  readonly #admin: AdminClient

  private constructor(dir: string, certs: CertFiles, storage: Storage, prefix: string, admin: AdminClient) {
    this.dir = dir
    this.certs = certs
    this.storage = storage
    this.prefix = prefix
    this.#admin = admin
    this.auth = createAuth({ storage })
  }

  static async start(options: PairOptions = {}): Promise<GatewayPair> {
    const admin = await connectAdmin()
    const dir = await mkdtemp(join(tmpdir(), 'parley-pair-'))
    const certs = await ensureCerts(join(dir, 'certs'))
    const storage = await openStorage({ sqlitePath: join(dir, 'parley.db') })
    const pair = new GatewayPair(dir, certs, storage, uniquePrefix(), admin)
    for (const index of [0, 1]) await pair.#startGateway(index, options)
    return pair
  }

  async #startGateway(index: number, options: PairOptions): Promise<void> {
    const instanceId = `gw-${index}`
    const sink = { write: (line: string) => void this.logLines[index]!.push(line) }
    const log = pino({ level: 'debug' }, sink)
    const bus = await openBus({ redisUrl, prefix: this.prefix, logger: log.child({ component: 'bus' }) })
    const cluster = await openRedisCluster({
      url: redisUrl,
      prefix: this.prefix,
      instanceId,
      ttlMs: options.ttlMs ?? 15_000,
      log,
    })
    this.#buses.push(bus)
    this.#clusters.push(cluster)
    const auth = createAuth({ storage: this.storage, onRevoke: (event) => bus.publish(REVOKE_CHANNEL, event) })
    const config = testConfig({ ...options.config, instanceId, heartbeatMs: options.heartbeatMs ?? 60_000 })
    this.gateways[index] = await createGateway(config, {
      log,
      storage: this.storage,
      auth,
      bus,
      cluster,
      tls: { key: this.certs.key, cert: this.certs.cert },
    })
  }

  url(index: number): string {
    return `wss://127.0.0.1:${this.gateways[index]!.port}/`
  }

  async connect(index: number): Promise<TestClient> {
    const client = await TestClient.connect(this.url(index), { ca: this.certs.ca })
    this.#clients.push(client)
    return client
  }

  /** A client on gateway `index` logged in as `username` (registered first when needed). */
  async loginAs(index: number, username: string): Promise<TestClient> {
    if (!(await this.auth.userExists(username))) await this.auth.createUser(username, PASSWORD)
    const client = await this.connect(index)
    await client.login(username, PASSWORD)
    return client
  }

  async userId(username: string): Promise<number> {
    const row = await this.storage.users.getUserByKey(this.auth.normalizeUsername(username).usernameKey)
    if (!row) throw new Error(`no user ${username}`)
    return row.id
  }

  /** Publishes a revocation as another process (the board) does after a logout or a suspension. */
  async publishRevocation(event: RevokeEvent): Promise<void> {
    const board = await openBus({ redisUrl, prefix: this.prefix })
    try {
      await board.publish(REVOKE_CHANNEL, event)
    } finally {
      await board.close()
    }
  }

  invalidFrames(): string[] {
    return this.#clients.flatMap((client) => client.invalid)
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.terminate()
    for (const gateway of this.gateways) await gateway?.close()
    for (const cluster of this.#clusters) await cluster.close()
    for (const bus of this.#buses) await bus.close()
    await this.storage.close()
    await removeKeys(this.#admin, this.prefix)
    await this.#admin.close()
    await rm(this.dir, { recursive: true, force: true })
  }
}
