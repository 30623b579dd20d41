/**
 * Picks the bus for a deployment: Redis when a URL is configured, else the in-process bus.
 * @module
 */
import type { Bus, BusLogger } from './bus.js'
import { createMemoryBus } from './memory-bus.js'
import { createRedisBus, type RedisBusOptions } from './redis-bus.js'

export interface OpenBusOptions {
  /** From `REDIS_URL`; unset or empty means one process, in-process bus. */
  redisUrl?: string | undefined
  prefix?: string
  logger?: BusLogger
  /** Passed to the Redis bus (connection names, timeouts, backoff). */
  redis?: Omit<RedisBusOptions, 'url' | 'prefix' | 'logger'>
}

export async function openBus(options: OpenBusOptions = {}): Promise<Bus> {
  const { redisUrl, prefix, logger } = options
  if (redisUrl === undefined || redisUrl === '') {
    return createMemoryBus({ prefix, logger })
  }
  return createRedisBus({ ...options.redis, url: redisUrl, prefix, logger })
}
