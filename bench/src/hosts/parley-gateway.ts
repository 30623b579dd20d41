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
import { openStorage, type Storage } from '@parley/storage'
import type { GatewayConfig } from 'chat-gateway/src/config.js'
import { createGateway, type Gateway } from 'chat-gateway/src/gateway.js'
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

  async function stop(): Promise<void> {
    await gateway?.close()
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
        schema = `parley_bench_${process.pid}_${Date.now().toString(36)}`
        storage = await openStorage({ databaseUrl: BENCH_DATABASE_URL, schema })
      } else {
        storage = await openStorage({ sqlitePath: join(dir, 'parley.db'), writeWorker: true })
      }
      // Sessions are seeded before the clients connect, and 10,000 sign-ins take longer than the default
      // 30-minute idle expiry: keep them alive for the run (argon2 parameters stay at their defaults).
      const auth: Auth = createAuth({ storage, config: { sessionIdleMs: 12 * 60 * 60_000 } })
      const users = await seedUsers(storage, auth, args.users, 'u')
      const loginUsers = (await seedUsers(storage, auth, args.loginUsers ?? 0, 'l')).map((user) => user.username)
      const config: GatewayConfig = {
        host: '127.0.0.1',
        port: 0,
        timeoutSeconds: 3600,
        allowNewUsers: false,
        allowedOrigins: [],
        maxBufferedBytes: 1024 * 1024,
        heartbeatMs: 30_000,
        // One bench sender pushes thousands of frames a second; the per-connection limit would
        // otherwise measure the limiter, not the delivery path.
        ratePerSecond: 1_000_000,
        rateBurst: 1_000_000,
        instanceId: 'bench',
        // 10,000-20,000 clients connect from 127.0.0.1, and a sign-in wave takes half an hour: the
        // abuse limits stay on (their cost is measured) but far above what the bench does.
        maxConnectionsPerIp: 1_000_000,
        signInTimeoutSeconds: 3600,
      }
      const tls = await readTls(args.tls)
      gateway = await createGateway(config, {
        log: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })),
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
