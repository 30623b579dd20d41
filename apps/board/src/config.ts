/**
 * Environment → typed, validated `BoardConfig`. Parsed once at start-up (main.ts); a bad value stops
 * start-up with a message naming the variable. Defaults need no configuration at all.
 * @module
 */
import { isIP } from 'node:net'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findRepoRoot } from '@parley/certs'
import { isLoopbackHost, MIN_METRICS_TOKEN_LENGTH } from '@parley/metrics'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const LogLevel = Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)))

export const BoardConfig = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** SQLite file, used unless `databaseUrl` selects PostgreSQL. */
  databasePath: Type.String({ minLength: 1 }),
  databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
  /** PostgreSQL only: the schema holding Parley's tables (created when missing); default the server's search_path. */
  databaseSchema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  /** Redis for the bus between boards and gateways; unset = one board process, in-process bus. */
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /**
   * Addresses or CIDR ranges of reverse proxies (nginx) whose X-Forwarded-For names the client
   * (Fastify `trustProxy`). Unset: the socket's address is the client's. Never "everything".
   */
  trustProxy: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1 })),
  /** Channel prefix in Redis (default `parley:`): one per deployment sharing a Redis; the gateways' must match. */
  busPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9:._-]{0,100}$' })),
  certsDir: Type.String({ minLength: 1 }),
  mediaDir: Type.String({ minLength: 1 }),
  maxUploadBytes: Type.Integer({ minimum: 1 }),
  /** Bytes of uploads one user may keep. */
  uploadQuotaBytes: Type.Integer({ minimum: 1 }),
  /** Uploads one user may make in an hour. */
  uploadRatePerHour: Type.Integer({ minimum: 1 }),
  /** Free bytes the media disk always keeps: uploads stop before it fills (SQLite may share the disk). */
  uploadReserveBytes: Type.Integer({ minimum: 0 }),
  minPasswordLength: Type.Integer({ minimum: 1, maximum: 1024 }),
  blockDurationSeconds: Type.Integer({ minimum: 1 }),
  sessionIdleMinutes: Type.Integer({ minimum: 1 }),
  sessionAbsoluteHours: Type.Integer({ minimum: 1 }),
  /** Login and register attempts per minute, counted per client IP and per account name. */
  authRateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** New accounts an hour per client IP (IPv6: per /64). */
  authCreateRateLimitPerHour: Type.Integer({ minimum: 1 }),
  /** Seconds between SSE heartbeat comments (keeps proxies from closing idle streams). */
  sseHeartbeatSeconds: Type.Integer({ minimum: 1 }),
  /** Live-update streams one session may hold open at once (each holds a timer and a periodic session read). */
  sseMaxStreamsPerSession: Type.Integer({ minimum: 1, maximum: 1000 }),
  /** Origins of the chat gateway's WebSocket, allowed by the CSP's connect-src. */
  chatGatewayOrigins: Type.Array(Type.String({ pattern: '^wss?://[^\\s/]+$' })),
  /**
   * The gateway URL chat pages connect to. Unset: the origin of `chatGatewayOrigins` whose host is
   * the one the page was loaded from (so the session cookie goes along), else the first one.
   */
  chatGatewayUrl: Type.Optional(Type.String({ pattern: '^wss?://[^\\s/?#]+(/[^\\s#]*)?$' })),
  /** Port of the separate Prometheus `/metrics` listener; absent (the default): no metrics listener. */
  metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /** Where the metrics listener binds: loopback by default; anything else needs `metricsToken` (and gets TLS). */
  metricsHost: Type.String({ minLength: 1 }),
  /** When set, scrapes need `Authorization: Bearer <token>`. */
  metricsToken: Type.Optional(Type.String({ minLength: MIN_METRICS_TOKEN_LENGTH, pattern: '^\\S+$' })),
  logLevel: LogLevel,
})
export type BoardConfig = Static<typeof BoardConfig>

const boardConfig = Compile(BoardConfig)

/** Which environment variable feeds which field, for error messages. */
const VARIABLES: Record<keyof BoardConfig, string> = {
  host: 'BOARD_HOST',
  port: 'BOARD_PORT',
  databasePath: 'DATABASE_PATH',
  databaseUrl: 'DATABASE_URL',
  databaseSchema: 'DATABASE_SCHEMA',
  redisUrl: 'REDIS_URL',
  busPrefix: 'BUS_PREFIX',
  trustProxy: 'TRUST_PROXY',
  certsDir: 'CERTS_DIR',
  mediaDir: 'MEDIA_DIR',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  uploadQuotaBytes: 'UPLOAD_QUOTA_BYTES',
  uploadRatePerHour: 'UPLOAD_RATE_PER_HOUR',
  uploadReserveBytes: 'UPLOAD_RESERVE_BYTES',
  minPasswordLength: 'MIN_PASSWORD_LENGTH',
  blockDurationSeconds: 'BLOCK_DURATION',
  sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
  sessionAbsoluteHours: 'SESSION_ABSOLUTE_HOURS',
  authRateLimitPerMinute: 'AUTH_RATE_LIMIT',
  authCreateRateLimitPerHour: 'AUTH_CREATE_RATE_LIMIT',
  sseHeartbeatSeconds: 'SSE_HEARTBEAT_SECONDS',
  sseMaxStreamsPerSession: 'SSE_MAX_STREAMS_PER_SESSION',
  chatGatewayOrigins: 'CHAT_GATEWAY_ORIGINS',
  chatGatewayUrl: 'CHAT_GATEWAY_URL',
  metricsPort: 'METRICS_PORT',
  metricsHost: 'METRICS_HOST',
  metricsToken: 'METRICS_TOKEN',
  logLevel: 'LOG_LEVEL',
}

const TRUST_EVERYONE = new Set(['true', '*', 'all', '0.0.0.0/0', '::/0', '::0/0'])

/** An address, a CIDR range (or address/netmask), or one of proxy-addr's names for ranges. */
function isProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true
  const [address = '', bits, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return version === 4 && isIP(bits) === 4
  return Number(bits) <= (version === 4 ? 32 : 128)
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** The repository root (the folder with pnpm-workspace.yaml) above this module, for default paths. */
export function defaultRepoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const root = findRepoRoot(here)
  if (!root)
    throw new ConfigError(`Cannot find pnpm-workspace.yaml above ${here}: set DATABASE_PATH, CERTS_DIR and MEDIA_DIR`)
  return root
}

/** A whole decimal number stays a string otherwise, so the schema reports it instead of NaN slipping through. */
function integer(value: string | undefined, fallback: number): number | string {
  if (value === undefined || value === '') return fallback
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value
}

function path(value: string | undefined, fallback: string, base: string): string {
  if (value === undefined || value === '') return fallback
  return isAbsolute(value) ? value : resolve(base, value)
}

/**
 * Reads the board's settings from `env`. Relative paths are resolved against `cwd` (default: the
 * process's); unset paths default to folders of the repository root.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: { repoRoot?: string; cwd?: string } = {}): BoardConfig {
  const root = options.repoRoot ?? defaultRepoRoot()
  const cwd = options.cwd ?? process.cwd()
  const raw = {
    host: env.BOARD_HOST || 'localhost',
    port: integer(env.BOARD_PORT, 8181),
    databasePath: path(env.DATABASE_PATH, join(root, 'data', 'parley.db'), cwd),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.DATABASE_SCHEMA ? { databaseSchema: env.DATABASE_SCHEMA } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.BUS_PREFIX !== undefined ? { busPrefix: env.BUS_PREFIX } : {}),
    ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY.split(/[\s,]+/).filter((entry) => entry !== '') } : {}),
    certsDir: path(env.CERTS_DIR, join(root, 'certs'), cwd),
    mediaDir: path(env.MEDIA_DIR, join(root, 'media'), cwd),
    maxUploadBytes: integer(env.MAX_UPLOAD_BYTES, 100 * 1024 * 1024),
    uploadQuotaBytes: integer(env.UPLOAD_QUOTA_BYTES, 1024 * 1024 * 1024),
    uploadRatePerHour: integer(env.UPLOAD_RATE_PER_HOUR, 20),
    uploadReserveBytes: integer(env.UPLOAD_RESERVE_BYTES, 1024 * 1024 * 1024),
    minPasswordLength: integer(env.MIN_PASSWORD_LENGTH, 8),
    blockDurationSeconds: integer(env.BLOCK_DURATION, 60),
    sessionIdleMinutes: integer(env.SESSION_IDLE_MINUTES, 30),
    sessionAbsoluteHours: integer(env.SESSION_ABSOLUTE_HOURS, 12),
    authRateLimitPerMinute: integer(env.AUTH_RATE_LIMIT, 10),
    authCreateRateLimitPerHour: integer(env.AUTH_CREATE_RATE_LIMIT, 20),
    sseHeartbeatSeconds: integer(env.SSE_HEARTBEAT_SECONDS, 25),
    sseMaxStreamsPerSession: integer(env.SSE_MAX_STREAMS_PER_SESSION, 10),
    chatGatewayOrigins: (env.CHAT_GATEWAY_ORIGINS ?? 'wss://localhost:8182 wss://127.0.0.1:8182')
      .split(/[\s,]+/)
      .filter((origin) => origin !== ''),
    ...(env.CHAT_GATEWAY_URL ? { chatGatewayUrl: env.CHAT_GATEWAY_URL.trim() } : {}),
    // Off unless asked for: several boards on one machine must not fight over a default port.
    ...(env.METRICS_PORT && env.METRICS_PORT.trim().toLowerCase() !== 'off'
      ? { metricsPort: integer(env.METRICS_PORT, 0) }
      : {}),
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    logLevel: env.LOG_LEVEL || 'info',
  }
  if (!boardConfig.Check(raw)) {
    // One message per variable: the first error of each field (a union reports one error per member).
    const problems = new Map<string, string>()
    for (const error of boardConfig.Errors(raw)) {
      const field = error.instancePath.split('/')[1] as keyof BoardConfig | undefined
      if (!field || problems.has(field)) continue
      const message = field === 'logLevel' ? `must be one of ${LOG_LEVELS.join(', ')}` : error.message
      // A secret is never echoed back, not even a wrong one.
      const got = field === 'metricsToken' || field === 'redisUrl' ? 'a hidden value' : JSON.stringify(raw[field])
      problems.set(field, `${VARIABLES[field]} ${message} (got ${got})`)
    }
    throw new ConfigError(`Invalid configuration: ${[...problems.values()].join('; ')}`)
  }
  // Trusting every address would let anyone reaching the board directly pick their own IP.
  const everyone = raw.trustProxy?.find((entry) => TRUST_EVERYONE.has(entry.toLowerCase()))
  const bad = everyone ?? raw.trustProxy?.find((entry) => !isProxyEntry(entry))
  if (bad !== undefined) {
    throw new ConfigError(
      `Invalid configuration: TRUST_PROXY must list the proxies' addresses or ranges, not ${JSON.stringify(bad)}`,
    )
  }
  // The CSP's connect-src lists the gateway origins: a URL outside them would be blocked in the browser.
  if (raw.chatGatewayUrl !== undefined && !raw.chatGatewayOrigins.includes(new URL(raw.chatGatewayUrl).origin)) {
    throw new ConfigError(
      `Invalid configuration: CHAT_GATEWAY_URL must be on one of CHAT_GATEWAY_ORIGINS (got ${JSON.stringify(raw.chatGatewayUrl)}; origins ${raw.chatGatewayOrigins.join(' ')})`,
    )
  }
  if (raw.metricsToken === undefined && !isLoopbackHost(raw.metricsHost)) {
    throw new ConfigError(
      `Invalid configuration: METRICS_HOST ${JSON.stringify(raw.metricsHost)} is not loopback: set METRICS_TOKEN (at least ${MIN_METRICS_TOKEN_LENGTH} characters) too`,
    )
  }
  return boardConfig.Parse(raw)
}
