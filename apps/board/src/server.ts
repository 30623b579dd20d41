/**
 * `createServer(config, deps)`: the board's Fastify app, fully wired but not listening, so tests can
 * `inject()` into it or listen on port 0. main.ts is the only caller of `listen`.
 * @module
 */
import { randomUUID } from 'node:crypto'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { type AttemptLimiter, type Auth, createAttemptLimiter, createMemoryAttemptStore } from '@parley/auth'
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { Storage } from '@parley/storage'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { buildAssets } from './assets/build.js'
import type { BoardConfig } from './config.js'
import { createLocalNotificationEvents, type NotificationEvents } from './events/notification-events.js'
import type { PostEvents } from './events/post-events.js'
import type { Revocations } from './events/revocations.js'
import type { BoardInstance } from './http/types.js'
import type { MediaLibrary } from './media/index.js'
import type { BoardMetrics } from './metrics/board-metrics.js'
import { createNotifier } from './notifications/notify.js'
import { notifyingPostEvents } from './notifications/notifying-events.js'
import { publicDir, viewsDir } from './paths.js'
import { csrfPlugin } from './plugins/csrf.js'
import { describeError, errorHandlerPlugin, sendError } from './plugins/error-handler.js'
import { gracefulClosePlugin } from './plugins/graceful-close.js'
import { metricsPlugin } from './plugins/metrics.js'
import { OneLineLogController, requestLogPlugin } from './plugins/request-log.js'
import { sameOriginPlugin } from './plugins/same-origin.js'
import { securityHeadersPlugin } from './plugins/security-headers.js'
import { loadSession, sessionDecorators } from './plugins/session.js'
import { viewsPlugin } from './plugins/views.js'
import { accountRoutes } from './routes/account.js'
import { adminRoutes } from './routes/admin.js'
import { authRoutes } from './routes/auth.js'
import { chatPanelView, chatRoutes } from './routes/chat.js'
import { eventsRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { mediaRoutes } from './routes/media.js'
import { moderationRoutes } from './routes/moderation.js'
import { notificationsPlugin } from './routes/notifications.js'
import { postsRoutes } from './routes/posts.js'
import { searchRoutes } from './routes/search.js'
import { staticRoutes } from './routes/static.js'
import { userRoutes } from './routes/users.js'

export interface BoardDeps {
  logger: FastifyBaseLogger
  storage: Storage
  auth: Auth
  tls: { key: string | Buffer; cert: string | Buffer }
  media: MediaLibrary
  events: PostEvents
  /** Notifications on the bus (main.ts), for unread counts and chat lines everywhere; absent: this process only. */
  notifications?: NotificationEvents
  /** Session revocations from the bus (main.ts); ends revoked sessions' live streams at once. */
  revocations?: Revocations
  /** The clock (epoch ms), for post times. */
  now: () => number
  /** The bus between instances (main.ts); /readyz reports whether it is connected. */
  bus?: { readonly healthy: boolean }
  /** Free bytes on the media disk (tests replace the statfs probe to fill the disk without filling it). */
  freeBytes?: (dir: string) => Promise<number>
  /** Prometheus metrics (served apart by main.ts); absent: nothing is counted. */
  metrics?: BoardMetrics
  /**
   * Sign-in attempt limits shared with the other instances (main.ts: `openAttemptLimiter`, in Redis
   * when REDIS_URL is set); absent: this process's memory, with the limits of `config`.
   */
  attempts?: AttemptLimiter
}

/** Form posts are small (a post is at most 4000 characters); uploads are multipart with their own limit. */
export const FORM_BODY_LIMIT = 256 * 1024

export async function createServer(config: BoardConfig, deps: BoardDeps): Promise<BoardInstance> {
  const { logger, storage, auth, tls, media, events, now, metrics } = deps
  const app: BoardInstance = Fastify({
    loggerInstance: logger,
    http2: true,
    https: { allowHTTP1: true, key: tls.key, cert: tls.cert },
    bodyLimit: FORM_BODY_LIMIT,
    // Request ids are ours, never taken from a client header, and returned for support requests.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Behind nginx: the client's address from X-Forwarded-For, believed only from these proxies.
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    // plugins/request-log.ts writes one line per request instead of Fastify's two.
    logController: new OneLineLogController(),
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(TypeBoxValidatorCompiler)

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(requestLogPlugin)
  if (metrics) await app.register(metricsPlugin, { metrics })
  await app.register(errorHandlerPlugin)
  await app.register(gracefulClosePlugin)
  await app.register(securityHeadersPlugin, { connectOrigins: config.chatGatewayOrigins })
  await app.register(cookie)
  await app.register(formbody)
  await app.register(sessionDecorators)
  await app.register(csrfPlugin)
  await app.register(sameOriginPlugin)
  // public/ read, hashed and compressed once (content-hashed URLs, immutable caching: assets/build.ts).
  const assets = await buildAssets(publicDir)
  await app.register(viewsPlugin, { viewsDir, assetUrl: (name) => assets.url(name) })
  await app.register(rateLimit, { global: false })

  await app.register(staticRoutes, { assets })
  await app.register(healthRoutes, { storage, ...(deps.bus ? { bus: deps.bus } : {}) })

  // Everything below knows who is signed in.
  const notificationEvents = deps.notifications ?? createLocalNotificationEvents()
  const notifier = createNotifier({ storage, events: notificationEvents, now })

  await app.register(async (pages) => {
    pages.addHook('onRequest', loadSession(auth))
    // First, so its unread count (for the header) is read before any page of this scope renders.
    await pages.register(notificationsPlugin, { storage, notifier })
    await pages.register(userRoutes, { storage })
    const attempts =
      deps.attempts ??
      createAttemptLimiter({
        store: createMemoryAttemptStore(),
        limits: { loginPerMinute: config.authRateLimitPerMinute, createPerHour: config.authCreateRateLimitPerHour },
      })
    await pages.register(authRoutes, { auth, attempts, metrics })
    await pages.register(postsRoutes, {
      storage,
      // Each new post, reply or edit notifies whom it mentions or answers (notifications/notifying-events.ts).
      events: notifyingPostEvents(events, notifier, logger),
      now,
      media,
      metrics,
      chatPanel: (request) => chatPanelView(config, request),
    })
    await pages.register(chatRoutes, { config })
    await pages.register(searchRoutes, { storage, now })
    await pages.register(accountRoutes, { auth, notifications: storage.notifications })
    await pages.register(moderationRoutes, { auth, storage, events })
    await pages.register(adminRoutes, { auth, storage, now })
    await pages.register(eventsRoutes, {
      auth,
      storage,
      events,
      now,
      heartbeatMs: config.sseHeartbeatSeconds * 1000,
      maxStreamsPerSession: config.sseMaxStreamsPerSession,
      notifications: notificationEvents,
      ...(deps.revocations ? { revocations: deps.revocations } : {}),
    })
    await pages.register(mediaRoutes, {
      library: media,
      maxUploadBytes: config.maxUploadBytes,
      storage,
      now,
      uploadPolicy: {
        quotaBytes: config.uploadQuotaBytes,
        perHour: config.uploadRatePerHour,
        reserveBytes: config.uploadReserveBytes,
      },
      ...(deps.freeBytes ? { freeBytes: deps.freeBytes } : {}),
    })
  })

  app.setNotFoundHandler({ preHandler: loadSession(auth) }, async (request, reply) => {
    const view = describeError(new ParleyError(ErrorCode.NotFound, 'There is nothing at this address.'))
    return sendError(request, reply, view)
  })

  return app
}
