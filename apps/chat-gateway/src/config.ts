/**
 * Environment + command line → typed, validated `ChatConfig`. Parsed once at start-up (main.ts);
 * a bad value stops start-up with a message naming the variable or flag. Defaults need no
 * configuration at all. Precedence: flag > positional argument > environment > default.
 * @module
 */
import { hostname } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import proxyaddr from '@fastify/proxy-addr'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const LogLevel = Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)))
const Origin = Type.String({ pattern: '^https?://[^\\s/]+$' })

/** The defaults `loadConfig` gives the abuse limits (createGateway applies none when a field is absent). */
export const DEFAULT_SIGN_IN_TIMEOUT_SECONDS = 30
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 100
/** The longest `whoelsesince` window (30 days); the presence history is pruned past it. */
export const DEFAULT_WHOELSESINCE_MAX_SECONDS = 30 * 24 * 3600
export const DEFAULT_USER_RATE_PER_SECOND = 40
export const DEFAULT_USER_RATE_BURST = 120
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 20

/** What `createGateway` needs. */
export const GatewayConfig = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Seconds without a user command before the gateway logs the user out. */
  timeoutSeconds: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }),
  /** A `login {create: true}` of an unknown name creates the account. */
  allowNewUsers: Type.Boolean(),
  /** Browser pages allowed to connect (exact `Origin` header values). Clients sending no Origin are not browsers. */
  allowedOrigins: Type.Array(Origin),
  /** A client whose unsent data passes this is cut off (slow consumer). */
  maxBufferedBytes: Type.Integer({ minimum: 1024 }),
  /** Ping interval; a peer that missed the previous ping is dropped. Sessions are re-checked at each tick. */
  heartbeatMs: Type.Integer({ minimum: 50 }),
  /** Token bucket per connection: refill rate and capacity (frames). */
  ratePerSecond: Type.Number({ exclusiveMinimum: 0 }),
  rateBurst: Type.Integer({ minimum: 1 }),
  /** Names this process in the presence history; a restart with the same id closes what a crash left open. */
  instanceId: Type.String({ minLength: 1, maxLength: 200 }),
  /**
   * Addresses or CIDR ranges of reverse proxies (nginx) whose X-Forwarded-For names the client.
   * Unset: the socket's address is the client's. Never "everything".
   */
  trustProxy: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1 })),
  /** A connection that has not signed in this long is closed (4004); absent: 30 s. */
  signInTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  /** Open connections per client address (IPv6: per /64) on this instance; absent: no cap. */
  maxConnectionsPerIp: Type.Optional(Type.Integer({ minimum: 1 })),
  /** The longest `whoelsesince` window; presence history older than it is deleted. Absent: 30 days. */
  whoelsesinceMaxSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 10 * 365 * 24 * 3600 })),
  /** How often old presence history and expired sessions are deleted; absent: hourly (tests shorten it). */
  housekeepingIntervalMs: Type.Optional(Type.Integer({ minimum: 100 })),
  /** Token bucket per user across all their connections on this gateway; absent: none. */
  userRatePerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  userRateBurst: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Connections one user may hold across every gateway (they are all of one session: a user is online
   * under one session at a time, so this caps a session's connections too); absent: no cap.
   */
  maxConnectionsPerUser: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Presence changes within this many milliseconds go out together, one frame per recipient; absent:
   * 50. The tick grows with the number of connections (0.05 ms each, at most 1 s) so that a sign-in
   * wave costs a bounded number of frames per second.
   */
  presenceTickMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
})
export type GatewayConfig = Static<typeof GatewayConfig>

/** Everything main.ts needs: the gateway's settings plus storage, TLS, auth and logging. */
export const ChatConfig = Type.Object({
  ...GatewayConfig.properties,
  /** Seconds an account stays locked after 3 wrong passwords in a row. */
  blockDurationSeconds: Type.Integer({ minimum: 1 }),
  databasePath: Type.String({ minLength: 1 }),
  databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
  /** PostgreSQL only: the schema holding Parley's tables (created when missing); default the server's search_path. */
  databaseSchema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  /** Redis for the bus and the shared online directory; unset = one gateway process, in-process bus. */
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Channel and key prefix in Redis: one per deployment sharing a Redis. */
  busPrefix: Type.String({ pattern: '^[A-Za-z0-9:._-]{0,100}$' }),
  /** An instance whose heartbeat is silent this long is dead: its users are removed and announced offline. */
  instanceTtlMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
  /** Serve Prometheus metrics on this port (0: any free port); unset: no metrics server. */
  metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  metricsHost: Type.String({ minLength: 1 }),
  /** Bearer token the metrics server requires (needed when it listens beyond loopback). */
  metricsToken: Type.Optional(Type.String({ minLength: 16, pattern: '^\\S+$' })),
  certsDir: Type.String({ minLength: 1 }),
  minPasswordLength: Type.Integer({ minimum: 1, maximum: 1024 }),
  /** Session expiry, read from the same variables as the board's so both refuse the same sessions. */
  sessionIdleMinutes: Type.Integer({ minimum: 1 }),
  sessionAbsoluteHours: Type.Integer({ minimum: 1 }),
  /** Sign-in attempts (`login`, `login {create}`) a minute per client address and per account name. */
  authRateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** `lookup`s a minute per client address. */
  authLookupRateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** Accounts created an hour per client address. */
  authCreateRateLimitPerHour: Type.Integer({ minimum: 1 }),
  logLevel: LogLevel,
})
export type ChatConfig = Static<typeof ChatConfig>

const chatConfig = Compile(ChatConfig)

/** Which environment variable feeds which field, for error messages. */
const VARIABLES: Record<keyof ChatConfig, string> = {
  host: 'CHAT_HOST',
  port: 'CHAT_PORT',
  timeoutSeconds: 'CHAT_TIMEOUT',
  allowNewUsers: 'CHAT_ALLOW_NEW_USERS',
  allowedOrigins: 'CHAT_ALLOWED_ORIGINS',
  maxBufferedBytes: 'CHAT_MAX_BUFFERED_BYTES',
  heartbeatMs: 'CHAT_HEARTBEAT_MS',
  ratePerSecond: 'CHAT_RATE_PER_SECOND',
  rateBurst: 'CHAT_RATE_BURST',
  instanceId: 'CHAT_INSTANCE_ID',
  trustProxy: 'TRUST_PROXY',
  signInTimeoutSeconds: 'CHAT_SIGN_IN_TIMEOUT',
  maxConnectionsPerIp: 'CHAT_MAX_CONNECTIONS_PER_IP',
  whoelsesinceMaxSeconds: 'CHAT_WHOELSESINCE_MAX_SECONDS',
  housekeepingIntervalMs: 'CHAT_HOUSEKEEPING_MS',
  userRatePerSecond: 'CHAT_USER_RATE_PER_SECOND',
  userRateBurst: 'CHAT_USER_RATE_BURST',
  maxConnectionsPerUser: 'CHAT_MAX_CONNECTIONS_PER_USER',
  presenceTickMs: 'CHAT_PRESENCE_TICK_MS',
  blockDurationSeconds: 'BLOCK_DURATION',
  databasePath: 'DATABASE_PATH',
  databaseUrl: 'DATABASE_URL',
  databaseSchema: 'DATABASE_SCHEMA',
  redisUrl: 'REDIS_URL',
  busPrefix: 'BUS_PREFIX',
  instanceTtlMs: 'CHAT_INSTANCE_TTL_MS',
  metricsPort: 'CHAT_METRICS_PORT',
  metricsHost: 'CHAT_METRICS_HOST',
  metricsToken: 'CHAT_METRICS_TOKEN',
  certsDir: 'CERTS_DIR',
  minPasswordLength: 'MIN_PASSWORD_LENGTH',
  sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
  sessionAbsoluteHours: 'SESSION_ABSOLUTE_HOURS',
  authRateLimitPerMinute: 'AUTH_RATE_LIMIT',
  authLookupRateLimitPerMinute: 'AUTH_LOOKUP_RATE_LIMIT',
  authCreateRateLimitPerHour: 'AUTH_CREATE_RATE_LIMIT',
  logLevel: 'LOG_LEVEL',
}

/** Settings that may hold a password or token: named in errors, never shown. */
const SECRET_FIELDS = new Set<keyof ChatConfig>(['databaseUrl', 'redisUrl', 'metricsToken'])

/** The command-line names of the fields settable there (flags, then the original positional order). */
const FLAGS = { port: '--port', host: '--host', blockDurationSeconds: '--block-duration', timeoutSeconds: '--timeout' }
const POSITIONALS = ['port', 'blockDurationSeconds', 'timeoutSeconds'] as const
const POSITIONAL_NAMES = { port: '<port>', blockDurationSeconds: '<block_duration>', timeoutSeconds: '<timeout>' }

export const USAGE = `Usage: chat-gateway [<port> [<block_duration> [<timeout>]]]
       chat-gateway [--port N] [--host NAME] [--block-duration SECONDS] [--timeout SECONDS]
Environment: ${Object.values(VARIABLES).join(', ')}`

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** A whole decimal number stays a string otherwise, so the schema reports it instead of NaN slipping through. */
function integer(value: string | undefined, fallback: number): number | string {
  if (value === undefined || value === '') return fallback
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value
}

function decimal(value: string | undefined, fallback: number): number | string {
  if (value === undefined || value === '') return fallback
  return /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value
}

function boolean(value: string | undefined, fallback: boolean): boolean | string {
  if (value === undefined || value === '') return fallback
  const normalised = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(normalised)) return true
  if (['0', 'false', 'no', 'off'].includes(normalised)) return false
  return value
}

function path(value: string | undefined, fallback: string, base: string): string {
  if (value === undefined || value === '') return fallback
  return isAbsolute(value) ? value : resolve(base, value)
}

type CommandLine = Partial<Record<keyof typeof FLAGS, string>>
interface Sourced {
  values: CommandLine
  /** Where each command-line value came from, for error messages. */
  names: Partial<Record<keyof typeof FLAGS, string>>
  help: boolean
}

function parseCommandLine(argv: readonly string[]): Sourced {
  let parsed: ReturnType<typeof parseCommandLineStrict>
  try {
    parsed = parseCommandLineStrict(argv)
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${USAGE}`)
  }
  const { values, positionals } = parsed
  if (positionals.length > POSITIONALS.length) {
    throw new ConfigError(`Too many arguments: ${positionals.join(' ')}\n${USAGE}`)
  }
  const result: Sourced = { values: {}, names: {}, help: values.help === true }
  positionals.forEach((value, index) => {
    const field = POSITIONALS[index]!
    result.values[field] = value
    result.names[field] = POSITIONAL_NAMES[field]
  })
  for (const [field, flag] of Object.entries(FLAGS) as [keyof typeof FLAGS, string][]) {
    const value = values[flag.slice(2) as 'port' | 'host' | 'block-duration' | 'timeout']
    if (value === undefined) continue
    result.values[field] = value
    result.names[field] = flag
  }
  return result
}

function parseCommandLineStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'block-duration': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

/** Trusting every address would let anyone reaching the gateway directly pick their own IP. */
const TRUST_EVERYONE = new Set(['true', '*', 'all', '0.0.0.0/0', '::/0', '::0/0'])

function checkTrustProxy(list: readonly string[]): void {
  const everyone = list.find((entry) => TRUST_EVERYONE.has(entry.toLowerCase()))
  if (everyone !== undefined) {
    throw new ConfigError(
      `Invalid configuration: TRUST_PROXY must list the proxies' addresses or ranges, not ${JSON.stringify(everyone)}`,
    )
  }
  try {
    proxyaddr.compile([...list])
  } catch (cause) {
    throw new ConfigError(`Invalid configuration: TRUST_PROXY ${(cause as Error).message}`)
  }
}

export interface LoadConfigOptions {
  /** Default folder for `data/` and `certs/`. */
  repoRoot: string
  /** Base of relative paths in the environment; default the process's working directory. */
  cwd?: string
  /** The machine name in the default instance id. */
  hostname?: string
}

export interface LoadedConfig {
  config: ChatConfig
  /** `--help` was given: print USAGE and exit. */
  help: boolean
}

/**
 * Reads the gateway's settings from `env` and `argv` (the arguments after the script name). Relative
 * paths are resolved against `cwd`; unset paths default to folders of the repository root.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[], options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd()
  const cli = parseCommandLine(argv)
  const port = integer(cli.values.port ?? env.CHAT_PORT, 8182)
  const raw = {
    host: cli.values.host || env.CHAT_HOST || 'localhost',
    port,
    timeoutSeconds: integer(cli.values.timeoutSeconds ?? env.CHAT_TIMEOUT, 600),
    allowNewUsers: boolean(env.CHAT_ALLOW_NEW_USERS, true),
    allowedOrigins: (env.CHAT_ALLOWED_ORIGINS ?? 'https://localhost:8181,https://127.0.0.1:8181')
      .split(/[\s,]+/)
      .filter((origin) => origin !== ''),
    maxBufferedBytes: integer(env.CHAT_MAX_BUFFERED_BYTES, 1024 * 1024),
    heartbeatMs: integer(env.CHAT_HEARTBEAT_MS, 30_000),
    ratePerSecond: decimal(env.CHAT_RATE_PER_SECOND, 20),
    rateBurst: integer(env.CHAT_RATE_BURST, 60),
    instanceId: env.CHAT_INSTANCE_ID || `${options.hostname ?? hostname()}:${port}`,
    signInTimeoutSeconds: integer(env.CHAT_SIGN_IN_TIMEOUT, DEFAULT_SIGN_IN_TIMEOUT_SECONDS),
    maxConnectionsPerIp: integer(env.CHAT_MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_CONNECTIONS_PER_IP),
    whoelsesinceMaxSeconds: integer(env.CHAT_WHOELSESINCE_MAX_SECONDS, DEFAULT_WHOELSESINCE_MAX_SECONDS),
    ...(env.CHAT_HOUSEKEEPING_MS ? { housekeepingIntervalMs: integer(env.CHAT_HOUSEKEEPING_MS, 0) } : {}),
    userRatePerSecond: decimal(env.CHAT_USER_RATE_PER_SECOND, DEFAULT_USER_RATE_PER_SECOND),
    userRateBurst: integer(env.CHAT_USER_RATE_BURST, DEFAULT_USER_RATE_BURST),
    maxConnectionsPerUser: integer(env.CHAT_MAX_CONNECTIONS_PER_USER, DEFAULT_MAX_CONNECTIONS_PER_USER),
    ...(env.CHAT_PRESENCE_TICK_MS ? { presenceTickMs: integer(env.CHAT_PRESENCE_TICK_MS, 0) } : {}),
    ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY.split(/[\s,]+/).filter((entry) => entry !== '') } : {}),
    blockDurationSeconds: integer(cli.values.blockDurationSeconds ?? env.BLOCK_DURATION, 60),
    databasePath: path(env.DATABASE_PATH, join(options.repoRoot, 'data', 'parley.db'), cwd),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.DATABASE_SCHEMA ? { databaseSchema: env.DATABASE_SCHEMA } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    busPrefix: env.BUS_PREFIX ?? 'parley:',
    instanceTtlMs: integer(env.CHAT_INSTANCE_TTL_MS, 15_000),
    ...(env.CHAT_METRICS_PORT ? { metricsPort: integer(env.CHAT_METRICS_PORT, 0) } : {}),
    metricsHost: env.CHAT_METRICS_HOST || '127.0.0.1',
    ...(env.CHAT_METRICS_TOKEN ? { metricsToken: env.CHAT_METRICS_TOKEN } : {}),
    certsDir: path(env.CERTS_DIR, join(options.repoRoot, 'certs'), cwd),
    minPasswordLength: integer(env.MIN_PASSWORD_LENGTH, 8),
    sessionIdleMinutes: integer(env.SESSION_IDLE_MINUTES, 30),
    sessionAbsoluteHours: integer(env.SESSION_ABSOLUTE_HOURS, 12),
    authRateLimitPerMinute: integer(env.AUTH_RATE_LIMIT, 10),
    authLookupRateLimitPerMinute: integer(env.AUTH_LOOKUP_RATE_LIMIT, 30),
    authCreateRateLimitPerHour: integer(env.AUTH_CREATE_RATE_LIMIT, 20),
    logLevel: env.LOG_LEVEL || 'info',
  }
  if (!chatConfig.Check(raw)) {
    // One message per setting: the first error of each field (a union reports one error per member).
    const problems = new Map<string, string>()
    for (const error of chatConfig.Errors(raw)) {
      const field = error.instancePath.split('/')[1] as keyof ChatConfig | undefined
      if (!field || problems.has(field)) continue
      const name = cli.names[field as keyof typeof FLAGS] ?? VARIABLES[field]
      const message = field === 'logLevel' ? `must be one of ${LOG_LEVELS.join(', ')}` : error.message
      // Values that may carry credentials are never echoed.
      const got = SECRET_FIELDS.has(field) ? 'value not shown' : `got ${JSON.stringify(raw[field])}`
      problems.set(field, `${name} ${message} (${got})`)
    }
    throw new ConfigError(`Invalid configuration: ${[...problems.values()].join('; ')}`)
  }
  if (raw.trustProxy) checkTrustProxy(raw.trustProxy)
  return { config: chatConfig.Parse(raw), help: cli.help }
}
