/**
 * Picks the attempt limiter's store for a deployment: Redis when `REDIS_URL` is set (several
 * instances count together), else this process's memory.
 * @module
 */
import { type AttemptLimiter, type AttemptLimits, createAttemptLimiter } from './attempt-limiter.js'
import { createMemoryAttemptStore } from './attempt-store.js'
import { type AuthLogger, silentLogger } from './logger.js'
import { createRedisAttemptStore } from './redis-attempt-store.js'

export interface OpenAttemptLimiterOptions {
  redisUrl?: string | undefined
  /** Key prefix in Redis (`BUS_PREFIX`, default `parley:`). */
  prefix?: string | undefined
  limits?: Partial<AttemptLimits>
  log?: AuthLogger
  clientName?: string
  now?: () => number
}

export function openAttemptLimiter(options: OpenAttemptLimiterOptions = {}): AttemptLimiter {
  const store = options.redisUrl
    ? createRedisAttemptStore({
        url: options.redisUrl,
        prefix: options.prefix ?? 'parley:',
        log: options.log ?? silentLogger,
        ...(options.clientName ? { clientName: options.clientName } : {}),
      })
    : createMemoryAttemptStore(options.now)
  return createAttemptLimiter({ store, ...(options.limits ? { limits: options.limits } : {}) })
}
