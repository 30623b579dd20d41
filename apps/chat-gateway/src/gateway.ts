/**
 * `createGateway(config, deps)`: an HTTPS server whose upgrades become chat connections. Checks
 * run at the `upgrade` event before the WebSocket handshake (ws README, "Client authentication");
 * `ws` runs with `noServer`, a 64 KiB `maxPayload` and no compression.
 * @module
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import proxyaddr from '@fastify/proxy-addr'
import {
  type AttemptLimiter,
  type AttemptStore,
  type Auth,
  clientAddressKey,
  decodeRevokeEvent,
  REVOKE_CHANNEL,
} from '@parley/auth'
import { type Bus, createMemoryBus, openTopic } from '@parley/bus'
import { MAX_FRAME_BYTES, SUBPROTOCOL } from '@parley/protocol'
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import { type ServerOptions, WebSocketServer } from 'ws'
import { AddressCounter } from './address-counter.js'
import { CHAT_EVENTS_CHANNEL, decodeBusEvent } from './bus-events.js'
import { catchUp } from './catch-up.js'
import { createMemoryCluster } from './cluster/memory-cluster.js'
import type { ClusterState } from './cluster/types.js'
import { createDispatcher } from './commands/index.js'
import type { GatewayConfig } from './config.js'
import { WebSocketConnection } from './connection.js'
import { createConnectionHost } from './connection-host.js'
import type { UpgradeInfo } from './connection-types.js'
import { deliverLocally } from './delivery.js'
import type { GatewayState } from './gateway-state.js'
import { startHeartbeat } from './heartbeat.js'
import { DEFAULT_HOUSEKEEPING_INTERVAL_MS, startHousekeeping } from './housekeeping.js'
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js'
import { forwardNotifications } from './notifications.js'
import { OnlineIndex } from './online-index.js'
import { createPresenceTracker } from './presence.js'
import { DEFAULT_PRESENCE_TICK_MS, PresenceFanout } from './presence-fanout.js'
import { createPublisher } from './publish.js'
import { createRedelivery } from './redelivery.js'
import { Registry } from './registry.js'
import { endRevokedSessions } from './revocations.js'
import { systemTimers, type Timers } from './timers.js'
import { TurnCorker } from './turn-corker.js'
import { checkUpgrade, readCookie, refuseUpgrade, SESSION_COOKIE } from './upgrade.js'
import { UserRateLimits } from './user-rate.js'

export interface GatewayDeps {
  log: Logger
  storage: Storage
  auth: Auth
  /** The server's TLS key and certificate (PEM). */
  tls: { key: Buffer | string; cert: Buffer | string }
  /** Fan-out between instances (`openBus` of @parley/bus); default: in-process (one instance). */
  bus?: Bus
  /** Who is online where, shared between instances (`openCluster`); default: in memory (one instance). */
  cluster?: ClusterState
  /** Counters and gauges for /metrics; default: a private registry nobody scrapes. */
  metrics?: GatewayMetrics
  /** The clock for timestamps and presence history; default `Date.now`. */
  now?: () => number
  /**
   * Sign-in attempt limits (`openAttemptLimiter` of @parley/auth, shared with the board); default:
   * none (tests, the bench). main.ts always passes one.
   */
  attempts?: AttemptLimiter
  /**
   * Counts shared by every gateway (a Redis `AttemptStore` of @parley/auth) for the per-user rate
   * limit across gateways; default: none (each gateway counts its own).
   */
  sharedCounters?: AttemptStore
  /**
   * Follow board notifications in the database every this many ms (main.ts: when there is no Redis,
   * so the board's bus does not reach this process); default: from the bus only.
   */
  notificationPollMs?: number
  /** The heartbeat's and the connections' timers; default: Node's (tests move `ManualTimers` forward). */
  timers?: Timers
}

export interface Gateway {
  readonly host: string
  /** The port listened on (the real one when `config.port` was 0). */
  readonly port: number
  /** Open connections, signed in or not. */
  connectionCount(): number
  /** Says `bye {shutdown}` to every client, closes them, records their logout, and stops listening. */
  close(): Promise<void>
}

/** How long a closing client may take to answer the close frame before its socket is destroyed. */
const CLOSE_TIMEOUT_MS = 3000

// The socket's lifelong listeners are made here, outside the upgrade handler: a closure made inside it
// would keep the handler's whole scope (the upgrade request, its headers, the `head` buffer) alive for
// as long as the connection lasts.
function logSocketErrors(socket: Duplex, log: Logger): void {
  socket.on('error', (error: Error) => log.debug({ err: error }, 'upgrade socket error'))
}

function releaseOnClose(socket: Duplex, perAddress: AddressCounter, addressKey: string): void {
  socket.once('close', () => perAddress.remove(addressKey))
}

export async function createGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const now = deps.now ?? Date.now
  const log = deps.log
  const busLog = log.child({ component: 'bus' })
  const ownBus = deps.bus === undefined
  const bus = deps.bus ?? createMemoryBus({ logger: busLog })
  const ownCluster = deps.cluster === undefined
  const cluster = deps.cluster ?? createMemoryCluster(config.instanceId)
  const metrics = deps.metrics ?? createGatewayMetrics()
  // A crash of an earlier process of this instance left its users "online" in the history.
  await deps.storage.presence.closeInstancePresence(config.instanceId, now())

  const events = await openTopic(bus, CHAT_EVENTS_CHANNEL, { decode: decodeBusEvent, logger: busLog })
  const revocations = await openTopic(bus, REVOKE_CHANNEL, { decode: decodeRevokeEvent, logger: busLog })
  const publish = createPublisher(events, metrics, log)
  const registry = new Registry<WebSocketConnection>()
  const online = new OnlineIndex()
  const redelivery = createRedelivery(events, () => bus.healthy, log)
  const ctx: GatewayState = {
    config,
    storage: deps.storage,
    auth: deps.auth,
    attempts: deps.attempts ?? null,
    events,
    cluster,
    metrics,
    log,
    now,
    registry,
    connections: new Set(),
    userRates:
      config.userRatePerSecond === undefined
        ? null
        : new UserRateLimits(
            config.userRatePerSecond,
            config.userRateBurst ?? Math.ceil(config.userRatePerSecond * 3),
            deps.sharedCounters ?? null,
            now,
          ),
    corker: new TurnCorker(),
    online,
    onlinePage: (after, limit, hidden) => online.page(after, limit, hidden),
    presenceFrames: new PresenceFanout({
      registry,
      metrics,
      tickMs: config.presenceTickMs ?? DEFAULT_PRESENCE_TICK_MS,
      shuttingDown: () => ctx.shuttingDown,
    }),
    presence: createPresenceTracker({
      storage: deps.storage,
      directory: cluster.directory,
      publish,
      log,
      now,
      instanceId: config.instanceId,
      announce: () => !ctx.shuttingDown,
    }),
    publish,
    async publishDelivery(event) {
      if (!(await publish(event))) redelivery.add(event)
    },
    redelivery,
    timers: deps.timers ?? systemTimers,
    shuttingDown: false,
  }
  metrics.observe({
    openSockets: () => ctx.connections.size,
    signedInConnections: () => ctx.registry.connectionCount,
    localUsers: () => ctx.registry.userCount,
    pendingMessages: () => deps.storage.messages.countPending(),
  })
  const host = createConnectionHost(ctx, createDispatcher(ctx))
  // Board mentions and replies, as a line in the user's open chat (notifications.ts).
  const notifications = await forwardNotifications(bus, registry, metrics, busLog, {
    storage: deps.storage,
    ...(deps.notificationPollMs ? { pollMs: deps.notificationPollMs } : {}),
  })
  const unsubscribers = [
    events.subscribe((event) => deliverLocally(ctx, event)),
    revocations.subscribe((event) => endRevokedSessions(ctx, event)),
    bus.onReconnect(() => catchUp(ctx)),
  ]
  async function release(): Promise<void> {
    for (const unsubscribe of unsubscribers) unsubscribe()
    ctx.redelivery.close()
    await cluster.directory.stop()
    await Promise.all([events.close(), revocations.close(), notifications.close()])
    if (ownCluster) await cluster.close()
    if (ownBus) await bus.close()
  }
  try {
    await cluster.directory.start({
      transition: (user, state) => ctx.presence.announce(user, state),
      instanceGone: (instanceId) => {
        void ctx.publish({ kind: 'catch-up', deadInstanceId: instanceId })
        deps.storage.presence
          .closeInstancePresence(instanceId, now())
          .catch((error: unknown) => log.error({ err: error, instanceId }, 'closing a dead instance presence failed'))
      },
    })
    ctx.online.replaceAll(await cluster.directory.onlineUsers())
  } catch (error) {
    await release()
    throw error
  }

  // `closeTimeout` (ws >= 8.18) is missing from @types/ws, hence the widened type.
  const wsOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  }
  const wss = new WebSocketServer(wsOptions)
  // Behind nginx the socket's address is nginx's: the client's is in X-Forwarded-For, believed only
  // when the connection comes from a trusted proxy (the same rule as the board's Fastify trustProxy).
  const trustedProxy = config.trustProxy ? proxyaddr.compile(config.trustProxy) : null
  const perAddress = new AddressCounter(config.maxConnectionsPerIp ?? Number.POSITIVE_INFINITY)

  const server: Server = createServer({ key: deps.tls.key, cert: deps.tls.cert, minVersion: 'TLSv1.2' })
  server.on('request', (req, res) => {
    if (req.url === '/healthz') {
      // The bus being down degrades (no live delivery across gateways) but does not kill an instance:
      // every instance shares one Redis, so failing health on it would empty the whole pool.
      const body = JSON.stringify({
        status: 'ok',
        connections: ctx.connections.size,
        bus: bus.healthy ? 'ok' : 'unavailable',
        instanceId: config.instanceId,
      })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' })
    res.end(`Parley chat gateway: connect with a WebSocket client offering the subprotocol ${SUBPROTOCOL}\n`)
  })
  server.on('tlsClientError', (error) => log.debug({ err: error }, 'TLS handshake failed'))

  server.on('upgrade', (req, socket, head) => {
    logSocketErrors(socket, log)
    if (ctx.shuttingDown) {
      refuseUpgrade(socket, { status: 503, message: 'The chat server is shutting down' })
      return
    }
    const refusal = checkUpgrade(req, config.allowedOrigins)
    if (refusal) {
      log.info({ status: refusal.status, origin: req.headers.origin ?? null }, 'upgrade refused')
      refuseUpgrade(socket, refusal)
      return
    }
    const ip = trustedProxy ? proxyaddr(req, trustedProxy) : (req.socket.remoteAddress ?? null)
    // Counted from the upgrade until the socket closes, so a burst of handshakes is capped too.
    const addressKey = clientAddressKey(ip)
    if (!perAddress.tryAdd(addressKey)) {
      log.info({ connections: perAddress.max }, 'upgrade refused: too many connections from one address')
      refuseUpgrade(socket, { status: 429, message: 'Too many connections from your address' })
      return
    }
    releaseOnClose(socket, perAddress, addressKey)
    const origin = req.headers.origin ?? null
    // Only an allowed page's cookie counts; clients without an Origin sign in with a password or token.
    const cookieToken = origin ? readCookie(req.headers.cookie, SESSION_COOKIE) : null
    const authenticated = cookieToken ? deps.auth.authenticate(cookieToken) : Promise.resolve(null)
    authenticated.then(
      (found) => {
        const info: UpgradeInfo = {
          ip,
          userAgent: req.headers['user-agent']?.slice(0, 300) ?? null,
          origin,
          cookieSession: found && cookieToken ? { token: cookieToken, userId: found.user.id } : null,
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (ctx.shuttingDown) {
            ws.close(1001, 'shutdown')
            return
          }
          const conn = new WebSocketConnection(host, ws, info, socket)
          ctx.connections.add(conn)
          conn.log.info({ ip: info.ip, origin, cookie: info.cookieSession !== null }, 'connection opened')
        })
      },
      (error: unknown) => {
        log.error({ err: error }, 'cookie authentication failed at upgrade')
        refuseUpgrade(socket, { status: 503, message: 'The chat server cannot reach its storage' })
      },
    )
  })

  const stopHeartbeat = startHeartbeat(ctx)
  const stopHousekeeping = startHousekeeping(ctx, config.housekeepingIntervalMs ?? DEFAULT_HOUSEKEEPING_INTERVAL_MS)
  server.listen(config.port, config.host)
  try {
    await once(server, 'listening')
  } catch (error) {
    stopHeartbeat()
    stopHousekeeping()
    await release()
    throw error
  }
  const port = (server.address() as AddressInfo).port

  let closing: Promise<void> | undefined
  async function close(): Promise<void> {
    ctx.shuttingDown = true
    ctx.presenceFrames.close()
    stopHeartbeat()
    stopHousekeeping()
    ctx.userRates?.close()
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    const conns = [...ctx.connections]
    const closed = conns.map((conn) =>
      conn.ws.readyState === conn.ws.CLOSED ? Promise.resolve() : once(conn.ws, 'close').then(() => undefined),
    )
    for (const conn of conns) conn.bye('shutdown')
    // ws destroys a socket that does not complete the closing handshake within closeTimeout.
    await Promise.all(closed)
    await ctx.presence.settle()
    await release()
    server.closeAllConnections()
    await serverClosed
  }

  return {
    host: config.host,
    port,
    connectionCount: () => ctx.connections.size,
    close: () => {
      closing ??= close()
      return closing
    },
  }
}
