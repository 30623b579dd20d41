/**
 * A scaled-out Parley for a test: real board and gateway processes (`tsx --conditions=source
 * apps/<app>/src/main.ts`) on one PostgreSQL schema and one Redis key prefix of their own, each
 * process reaching PostgreSQL and Redis through a TCP relay the test can cut (the shared servers
 * are never stopped). Clean-up kills the processes, drops the schema and deletes the prefix's keys.
 * A missing PostgreSQL or Redis fails at once, naming the service.
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { openStorage, type Storage } from '@parley/storage'
import { startTcpRelay, type TcpRelay } from '@parley/testing'
import pg from 'pg'
import { createClient, type RedisClientType } from 'redis'
import { NodeChild } from '../node-child.js'
import { type SeededUser, seedUsers } from '../seed.js'
import { type TempDir, tempDir } from '../temp.js'

export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const PASSWORD = 'correct horse battery'
/** Browser pages of this origin may open chat connections (the gateway only compares the header). */
export const BOARD_ORIGIN = 'https://board.scale-out.test'
export const METRICS_TOKEN = 'scale-out-metrics-token-0123456789'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export interface DeploymentOptions {
  /** A gateway whose heartbeat is silent this long is swept (its users go offline for everyone). */
  instanceTtlMs?: number
}

export interface AppProcess {
  readonly name: string
  readonly child: NodeChild
  readonly port: number
  /** `wss://127.0.0.1:<port>/` for a gateway, `https://127.0.0.1:<port>` for a board. */
  readonly url: string
  /** The gateway's metrics URL (gateways only). */
  readonly metricsUrl?: string
}

async function checkPostgres(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${databaseUrl}: ${(error as Error).message} (start it or set DATABASE_URL)`,
    )
  }
  return client
}

async function checkRedis(): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    url: redisUrl,
    socket: { reconnectStrategy: false, connectTimeout: 5000 },
  })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`Redis is not reachable at ${redisUrl}: ${(error as Error).message} (start it or set REDIS_URL)`)
  }
  return client
}

export class Deployment {
  readonly dir: TempDir
  readonly certs: CertFiles
  readonly schema: string
  readonly prefix: string
  readonly postgresRelay: TcpRelay
  readonly redisRelay: TcpRelay
  /** Direct (not relayed) storage for seeding and checks. */
  readonly storage: Storage
  readonly apps = new Map<string, AppProcess>()
  readonly #options: DeploymentOptions
  readonly #pg: pg.Client
  readonly #redis: RedisClientType

  private constructor(
    init: Pick<Deployment, 'dir' | 'certs' | 'schema' | 'prefix' | 'postgresRelay' | 'redisRelay' | 'storage'>,
    admin: { pg: pg.Client; redis: RedisClientType },
    options: DeploymentOptions,
  ) {
    this.dir = init.dir
    this.certs = init.certs
    this.schema = init.schema
    this.prefix = init.prefix
    this.postgresRelay = init.postgresRelay
    this.redisRelay = init.redisRelay
    this.storage = init.storage
    this.#pg = admin.pg
    this.#redis = admin.redis
    this.#options = options
  }

  static async open(options: DeploymentOptions = {}): Promise<Deployment> {
    const adminPg = await checkPostgres()
    const adminRedis = await checkRedis()
    const run = `${process.pid}_${Date.now().toString(36)}`
    const schema = `scale_out_${run}`
    const prefix = `parley-test:scale-out-${run}:`
    const dir = await tempDir('scale-out')
    const certs = await ensureCerts(join(dir.path, 'certs'))
    await mkdir(join(dir.path, 'media'), { recursive: true })
    // Migrated once here, so the apps start on a ready schema.
    const storage = await openStorage({ databaseUrl, schema })
    const postgresRelay = await startTcpRelay(databaseUrl, 5432)
    const redisRelay = await startTcpRelay(redisUrl, 6379)
    return new Deployment(
      { dir, certs, schema, prefix, postgresRelay, redisRelay, storage },
      { pg: adminPg, redis: adminRedis },
      options,
    )
  }

  /** Accounts with live sessions (one argon2 hash shared), for clients that `resume` with a token. */
  seed(names: readonly string[]): Promise<SeededUser[]> {
    return seedUsers(this.storage, names, PASSWORD)
  }

  #commonEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.postgresRelay.url,
      DATABASE_SCHEMA: this.schema,
      REDIS_URL: this.redisRelay.url,
      BUS_PREFIX: this.prefix,
      CERTS_DIR: join(this.dir.path, 'certs'),
      LOG_LEVEL: 'info',
    }
  }

  async startGateway(name: string, env: Record<string, string> = {}): Promise<AppProcess> {
    const child = await NodeChild.start('src/main.ts', {
      cwd: join(REPO, 'apps', 'chat-gateway'),
      env: {
        ...this.#commonEnv(),
        CHAT_HOST: '127.0.0.1',
        CHAT_PORT: '0',
        CHAT_INSTANCE_ID: name,
        CHAT_INSTANCE_TTL_MS: String(this.#options.instanceTtlMs ?? 3000),
        // Far beyond any test: sessions end through the bus, never through the heartbeat's re-check.
        CHAT_HEARTBEAT_MS: '600000',
        CHAT_ALLOWED_ORIGINS: BOARD_ORIGIN,
        CHAT_RATE_PER_SECOND: '1000',
        CHAT_RATE_BURST: '1000',
        CHAT_USER_RATE_PER_SECOND: '1000',
        CHAT_USER_RATE_BURST: '1000',
        // Every test client signs in from 127.0.0.1 (e2e/test/abuse-gateway.test.ts tests the limits).
        AUTH_RATE_LIMIT: '100000',
        AUTH_LOOKUP_RATE_LIMIT: '100000',
        AUTH_CREATE_RATE_LIMIT: '100000',
        CHAT_METRICS_PORT: '0',
        CHAT_METRICS_TOKEN: METRICS_TOKEN,
        ...env,
      },
      ready: (entry) => entry.msg === 'chat gateway listening',
    })
    const listening = child.logs.find((entry) => entry.msg === 'chat gateway listening')!
    const metrics = child.logs.find((entry) => entry.msg === 'metrics server listening')
    const port = listening.port as number
    const app: AppProcess = {
      name,
      child,
      port,
      url: `wss://127.0.0.1:${port}/`,
      ...(metrics ? { metricsUrl: metrics.url as string } : {}),
    }
    this.apps.set(name, app)
    return app
  }

  async startBoard(name: string, env: Record<string, string> = {}): Promise<AppProcess> {
    const child = await NodeChild.start('src/main.ts', {
      cwd: join(REPO, 'apps', 'board'),
      env: {
        ...this.#commonEnv(),
        BOARD_HOST: '127.0.0.1',
        BOARD_PORT: '0',
        MEDIA_DIR: join(this.dir.path, 'media'),
        AUTH_RATE_LIMIT: '1000',
        AUTH_CREATE_RATE_LIMIT: '100000',
        // Streams end through the bus, never through the heartbeat's session re-check.
        SSE_HEARTBEAT_SECONDS: '3600',
        ...env,
      },
      ready: (entry) => typeof entry.url === 'string' && String(entry.msg).startsWith('Parley board on'),
    })
    const url = String(child.logs.find((entry) => String(entry.msg).startsWith('Parley board on'))!.url)
    const port = Number(new URL(url).port)
    const app: AppProcess = { name, child, port, url: `https://127.0.0.1:${port}` }
    this.apps.set(name, app)
    return app
  }

  app(name: string): AppProcess {
    const app = this.apps.get(name)
    if (!app) throw new Error(`no app ${name}`)
    return app
  }

  async userId(username: string): Promise<number> {
    const row = await this.storage.users.getUserByKey(username.toLowerCase())
    if (!row) throw new Error(`no user ${username}`)
    return row.id
  }

  /** The processes still running (a crash would show here). */
  running(): string[] {
    return [...this.apps.values()]
      .filter((app) => app.child.process.exitCode === null && app.child.process.signalCode === null)
      .map((app) => app.name)
  }

  async close(): Promise<void> {
    const exits = [...this.apps.values()].map((app) => {
      app.child.kill('SIGKILL')
      return app.child.exited
    })
    await Promise.all(exits)
    await this.postgresRelay.close()
    await this.redisRelay.close()
    await this.storage.close()
    await this.#pg.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`)
    await this.#pg.end()
    for await (const keys of this.#redis.scanIterator({ MATCH: `${this.prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await this.#redis.del(keys)
    }
    await this.#redis.close()
    await this.dir.remove()
  }
}
