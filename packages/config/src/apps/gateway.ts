/** The chat gateway's settings: what `createGateway` needs, plus the shared concerns main.ts opens. */
import { type Static, Type } from 'typebox'
import { attemptSettings, lookupAttemptSettings, passwordSettings, sessionSettings } from '../concerns/auth.js'
import { busSettings } from '../concerns/bus.js'
import { certsSettings } from '../concerns/certs.js'
import { loggingSettings } from '../concerns/logging.js'
import { metricsSettings } from '../concerns/metrics.js'
import { proxySettings } from '../concerns/proxy.js'
import { storageSettings } from '../concerns/storage.js'
import { combine, defineSettings } from '../define.js'

/** The defaults the loader gives the abuse limits (createGateway applies none when a field is absent). */
export const DEFAULT_SIGN_IN_TIMEOUT_SECONDS = 30
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 100
/** The longest `whoelsesince` window (30 days); the presence history is pruned past it. */
export const DEFAULT_WHOELSESINCE_MAX_SECONDS = 30 * 24 * 3600
export const DEFAULT_USER_RATE_PER_SECOND = 40
export const DEFAULT_USER_RATE_BURST = 120
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 20

const Origin = Type.String({ pattern: '^https?://[^\\s/]+$' })

const coreSettings = defineSettings(
  {
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
    ...proxySettings.schema.properties,
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
     * Connections one user may hold across every gateway, all their devices together; absent: no cap.
     */
    maxConnectionsPerUser: Type.Optional(Type.Integer({ minimum: 1 })),
    /**
     * Presence changes within this many milliseconds go out together, one frame per recipient; absent:
     * 50. The tick grows with the number of connections (0.05 ms each, at most 1 s) so that a sign-in
     * wave costs a bounded number of frames per second.
     */
    presenceTickMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
    /** Refuse a sign-in while the user is online under another session; absent: off (several devices at once). */
    oneSessionPerUser: Type.Optional(Type.Boolean()),
    /** How long a user whose last connection closed still counts as online; absent: 3 s. */
    presenceGraceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  },
  {
    host: {
      env: 'CHAT_HOST',
      read: 'string',
      default: 'localhost',
      shown: '`localhost`',
      doc: "the gateway's listen address (`--host`)",
      deploy: 'The private address nginx reaches, e.g. `0.0.0.0` / `10.0.1.21`.',
    },
    port: {
      env: 'CHAT_PORT',
      read: 'integer',
      default: 8182,
      shown: '`8182`',
      doc: "the gateway's port (`--port`, or the 1st positional)",
    },
    timeoutSeconds: {
      env: 'CHAT_TIMEOUT_SECONDS',
      formerly: ['CHAT_TIMEOUT'],
      read: 'integer',
      default: 600,
      shown: '`600`',
      doc: 'seconds without a command before a chat user is logged out (`--timeout`, or the 3rd positional)',
    },
    allowNewUsers: {
      env: 'CHAT_ALLOW_NEW_USERS',
      read: 'boolean',
      default: true,
      shown: '`true`',
      doc: 'a chat login may create an account',
    },
    allowedOrigins: {
      env: 'CHAT_ALLOWED_ORIGINS',
      read: 'list',
      default: ['https://localhost:8181', 'https://127.0.0.1:8181'],
      shown: '`https://localhost:8181,https://127.0.0.1:8181`',
      doc: 'browser pages allowed to connect',
      deploy:
        "The board's public origin(s): `https://parley.example.org`. Browser pages from other origins are refused at the upgrade (and only allowed pages' cookies count).",
    },
    maxBufferedBytes: {
      env: 'CHAT_MAX_BUFFERED_BYTES',
      read: 'integer',
      default: 1024 * 1024,
      shown: '`1048576`',
      doc: 'a client whose unsent data stays over this between two heartbeats without draining (or passes 4×) is cut off',
    },
    heartbeatMs: {
      env: 'CHAT_HEARTBEAT_MS',
      read: 'integer',
      default: 30_000,
      shown: '`30000`',
      doc: 'ping interval; sessions re-checked each tick',
      deploy: "Ping interval (sessions re-checked each tick): below nginx's `proxy_read_timeout` for the WebSocket.",
    },
    ratePerSecond: {
      env: 'CHAT_RATE_PER_SECOND',
      read: 'decimal',
      default: 20,
      shown: '`20`',
      doc: 'per-connection rate limit: frames a second',
    },
    rateBurst: {
      env: 'CHAT_RATE_BURST',
      read: 'integer',
      default: 60,
      shown: '`60`',
      doc: 'per-connection rate limit: burst',
    },
    instanceId: {
      env: 'CHAT_INSTANCE_ID',
      read: 'string',
      default: ({ hostname, values }: { hostname: string; values: Readonly<Record<string, unknown>> }) =>
        `${hostname}:${String(values.port)}`,
      shown: '`<hostname>:<port>`',
      doc: 'names this process in the presence history',
      deploy:
        'Unique per gateway and **stable across its restarts** (`gw-1`, `gw-2`): at start-up a gateway clears what its previous run left after a crash (presence history, online directory). Two gateways must never share one. Set it explicitly in containers, whose hostnames change.',
    },
    ...proxySettings.sources,
    signInTimeoutSeconds: {
      env: 'CHAT_SIGN_IN_TIMEOUT_SECONDS',
      formerly: ['CHAT_SIGN_IN_TIMEOUT'],
      read: 'integer',
      default: DEFAULT_SIGN_IN_TIMEOUT_SECONDS,
      shown: `\`${DEFAULT_SIGN_IN_TIMEOUT_SECONDS}\``,
      doc: 'seconds a socket may stay open without signing in (then closed, 4004; the CLI reconnects for the sign-in)',
    },
    maxConnectionsPerIp: {
      env: 'CHAT_MAX_CONNECTIONS_PER_IP',
      read: 'integer',
      default: DEFAULT_MAX_CONNECTIONS_PER_IP,
      shown: `\`${DEFAULT_MAX_CONNECTIONS_PER_IP}\``,
      doc: 'open sockets per IP (IPv6: /64) on one gateway; one more is refused with 429',
      deploy:
        'Open sockets per client address (IPv6: per /64) on one gateway; one more upgrade gets 429. Raise it when many users share one address (a large NAT).',
    },
    whoelsesinceMaxSeconds: {
      env: 'CHAT_WHOELSESINCE_MAX_SECONDS',
      read: 'integer',
      default: DEFAULT_WHOELSESINCE_MAX_SECONDS,
      shown: `\`${DEFAULT_WHOELSESINCE_MAX_SECONDS}\` (30 days)`,
      doc: 'longest `whoelsesince` window; older presence history is deleted (at start and every `CHAT_HOUSEKEEPING_MS`), with expired sessions',
    },
    housekeepingIntervalMs: {
      env: 'CHAT_HOUSEKEEPING_MS',
      read: 'integer',
      shown: '`3600000`',
      doc: 'how often old presence history and expired sessions are deleted (deleting twice is harmless)',
    },
    userRatePerSecond: {
      env: 'CHAT_USER_RATE_PER_SECOND',
      read: 'decimal',
      default: DEFAULT_USER_RATE_PER_SECOND,
      shown: `\`${DEFAULT_USER_RATE_PER_SECOND}\``,
      doc: 'rate limit per user across all their connections on a gateway: frames a second',
      deploy:
        "Rate limit per user across all their connections on one gateway (on top of `CHAT_RATE_PER_SECOND` per connection). With Redis the gateways also count each user's frames together (one-second windows under `BUS_PREFIX`, `attempts:user-rate:*`): past rate + burst in a window the user is refused everywhere until it ends.",
    },
    userRateBurst: {
      env: 'CHAT_USER_RATE_BURST',
      read: 'integer',
      default: DEFAULT_USER_RATE_BURST,
      shown: `\`${DEFAULT_USER_RATE_BURST}\``,
      doc: 'rate limit per user: burst',
    },
    maxConnectionsPerUser: {
      env: 'CHAT_MAX_CONNECTIONS_PER_USER',
      read: 'integer',
      default: DEFAULT_MAX_CONNECTIONS_PER_USER,
      shown: `\`${DEFAULT_MAX_CONNECTIONS_PER_USER}\``,
      doc: 'connections one user may hold across every gateway, all their devices together (counted in Redis with `REDIS_URL`)',
    },
    presenceTickMs: {
      env: 'CHAT_PRESENCE_TICK_MS',
      read: 'integer',
      shown: '`50`',
      doc: 'presence changes within a tick go out as one frame per recipient; the tick grows by 0.05 ms per connection (at most 1 s); 0 sends each change at the next turn',
    },
    oneSessionPerUser: {
      env: 'CHAT_ONE_SESSION_PER_USER',
      read: 'boolean',
      shown: '`false`',
      doc: 'refuse a chat sign-in while the user is online under another session (one device at a time)',
    },
    presenceGraceMs: {
      env: 'CHAT_PRESENCE_GRACE_MS',
      read: 'integer',
      shown: '`3000`',
      doc: 'a user whose last connection closed still counts as online this long (a reload or a reconnect does not flicker offline)',
    },
  },
)

/** What `createGateway` needs. */
export const GatewayConfig = coreSettings.schema
export type GatewayConfig = Static<typeof GatewayConfig>

const clusterSettings = defineSettings(
  {
    /** An instance whose heartbeat is silent this long is dead: its users are removed and announced offline. */
    instanceTtlMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
  },
  {
    instanceTtlMs: {
      env: 'CHAT_INSTANCE_TTL_MS',
      read: 'integer',
      default: 15_000,
      shown: '`15000`',
      doc: 'a gateway silent this long is taken for dead: the others remove its connections and announce its users offline',
      deploy:
        'A gateway silent this long is taken for dead: the others remove its connections and announce its users offline (unless they reconnected elsewhere). Renewed every third of it.',
    },
  },
)

/** Everything the gateway's main.ts needs: `GatewayConfig` plus storage, bus, TLS, auth, metrics and logging. */
export const gatewaySettings = combine(
  coreSettings,
  sessionSettings,
  storageSettings,
  busSettings,
  clusterSettings,
  metricsSettings('CHAT', 'gateway', null),
  certsSettings,
  passwordSettings,
  attemptSettings,
  lookupAttemptSettings,
  loggingSettings,
)

export const ChatConfig = gatewaySettings.schema
export type ChatConfig = Static<typeof ChatConfig>
