/**
 * The Parley chat gateway as a bench server: `createGateway` over a temp-dir SQLite database (writes
 * on its write worker, as the real gateway runs) or a fresh PostgreSQL schema (`--storage postgres`), the
 * run's temp certificates, real argon2id auth at its default cost, and pre-created accounts.
 * Logs go to /dev/null at `info`, as a production gateway writes them.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Auth, createAttemptLimiter, createAuth, createMemoryAttemptStore } from '@parley/auth'
import { openBus } from '@parley/bus'
import { openPostgresStorage, openStorage, type Storage } from '@parley/storage'
import { openCluster } from 'chat-gateway/src/cluster/open-cluster.js'
import { createGateway, type Gateway } from 'chat-gateway/src/gateway.js'
import { testGatewayConfig } from 'chat-gateway/testing'
import pg from 'pg'
import { pino } from 'pino'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'
import { type SeededUser, seedUsers } from './seed.js'

export interface GatewayStartArgs {
  tls: TlsFiles
  /** Accounts with sessions, named u0, u1, …; their tokens are returned. */
  users: number
  /** Accounts without sessions (for password logins), named l0, l1, …, password BENCH_PASSWORD. */
  loginUsers?: number
  /** Default 'sqlite'. */
  storage?: BenchStorage
  /** Several gateways (the `scale` scenario): Redis for the bus and the online directory. */
  redisUrl?: string
  /** PostgreSQL: this schema, shared with the other gateways (the first one creates and drops it). */
  schema?: string
  /** Default 'bench'. */
  instanceId?: string
  /** The bus's key and channel prefix (one per run, so runs never hear each other). */
  busPrefix?: string
}

export type BenchStorage = 'sqlite' | 'postgres'

/** PostgreSQL as the tests use it: DATABASE_URL, else the local server's `test` database. */
export const BENCH_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await admin.end()
  }
}

export interface GatewayStarted {
  port: number
  users: SeededUser[]
  loginUsers: string[]
}

export function handlers(_metrics: ProcessMetrics) {
  let dir: string | undefined
  let storage: Storage | undefined
  let gateway: Gateway | undefined
  let schema: string | undefined

  let closeShared = async () => {}

  async function stop(): Promise<void> {
    await gateway?.close()
    await closeShared()
    await storage?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
    if (schema) await dropSchema(schema)
    schema = undefined
    gateway = undefined
    storage = undefined
    dir = undefined
  }

  return {
    async start(args: GatewayStartArgs): Promise<GatewayStarted> {
      dir = await mkdtemp(join(tmpdir(), 'parley-bench-gateway-'))
      if (args.storage === 'postgres') {
        // The gateway that seeds the accounts owns the schema; the others share it.
        const own = args.users > 0 || args.schema === undefined
        const name = args.schema ?? `parley_bench_${process.pid}_${Date.now().toString(36)}`
        if (own) schema = name
        // A sign-in wave of thousands queues for the pool: wait for a connection longer than the default 5 s.
        storage = await openPostgresStorage({
          url: BENCH_DATABASE_URL,
          schema: name,
          poolSize: 20,
          connectTimeoutMs: 60_000,
        })
      } else {
        storage = await openStorage({ sqlitePath: join(dir, 'parley.db'), writeWorker: true })
      }
      // Sessions are seeded before the clients connect, and 10,000 sign-ins take longer than the default
      // 30-minute idle expiry: keep them alive for the run (argon2 parameters stay at their defaults).
      const auth: Auth = createAuth({ storage, config: { sessionIdleMs: 12 * 60 * 60_000 } })
      const users = await seedUsers(storage, auth, args.users, 'u')
      const loginUsers = (await seedUsers(storage, auth, args.loginUsers ?? 0, 'l')).map((user) => user.username)
      const config = testGatewayConfig({
        timeoutSeconds: 3600,
        allowNewUsers: false,
        heartbeatMs: 30_000,
        // One bench sender pushes thousands of frames a second; the per-connection limit would
        // otherwise measure the limiter, not the delivery path.
        ratePerSecond: 1_000_000,
        rateBurst: 1_000_000,
        instanceId: args.instanceId ?? 'bench',
        // 10,000-20,000 clients connect from 127.0.0.1, and a sign-in wave takes half an hour: the
        // abuse limits stay on (their cost is measured) but far above what the bench does.
        maxConnectionsPerIp: 1_000_000,
        signInTimeoutSeconds: 3600,
      })
      const tls = await readTls(args.tls)
      const silent = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }))
      const shared = args.redisUrl
        ? {
            bus: await openBus({ redisUrl: args.redisUrl, prefix: args.busPrefix ?? 'parley-bench:' }),
            cluster: await openCluster({
              redisUrl: args.redisUrl,
              prefix: args.busPrefix ?? 'parley-bench:',
              instanceId: config.instanceId,
              ttlMs: 15_000,
              log: silent,
            }),
          }
        : null
      closeShared = async () => {
        await shared?.cluster.close()
        await shared?.bus.close()
      }
      gateway = await createGateway(config, {
        ...(shared ?? {}),
        log: silent,
        storage,
        auth,
        tls: { key: tls.key, cert: tls.cert },
        attempts: createAttemptLimiter({
          store: createMemoryAttemptStore(),
          limits: { loginPerMinute: 1_000_000_000, lookupPerMinute: 1_000_000_000, createPerHour: 1_000_000_000 },
        }),
      })
      return { port: gateway.port, users, loginUsers }
    },
    connections: () => gateway?.connectionCount() ?? 0,
    stop,
  }
}
