/**
 * `@parley/bus`: JSON pub/sub between Parley processes. `openBus({ redisUrl })` gives the Redis bus
 * when a URL is set and the in-process bus otherwise; both keep the same contract.
 * @module
 */
export type { BackoffOptions } from './backoff.js'
export { reconnectDelay } from './backoff.js'
export type { Bus, BusHandler, BusLogger, Unsubscribe } from './bus.js'
export { DEFAULT_PREFIX, silentLogger } from './bus.js'
export type { BusUnavailableReason } from './errors.js'
export { BusUnavailableError, isBusUnavailable } from './errors.js'
export type { MemoryBusOptions, MemoryHub } from './memory-bus.js'
export { createMemoryBus, createMemoryHub } from './memory-bus.js'
export type { OpenBusOptions } from './open-bus.js'
export { openBus } from './open-bus.js'
export type { RedisBusOptions } from './redis-bus.js'
export { createRedisBus } from './redis-bus.js'
export { redactRedisUrl } from './redis-url.js'
export type { Topic, TopicOptions } from './topic.js'
export { openTopic } from './topic.js'
