/**
 * Attempt counters in Redis, so every board and gateway of a deployment counts the same attempts
 * (an attacker cannot multiply the limits by spreading over instances). One Lua script increments
 * a key and starts its expiry at the first hit, atomically. While Redis is unreachable the counts
 * fall back to this process's memory: the limits then hold per instance (degraded, never open).
 * @module
 */
import { createClient } from 'redis'
import { type AttemptStore, createMemoryAttemptStore } from './attempt-store.js'
import type { AuthLogger } from './logger.js'

const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`

export interface RedisAttemptStoreOptions {
  url: string
  /** The deployment's key prefix (`BUS_PREFIX`); keys are `<prefix>attempts:<kind>:…`. */
  prefix: string
  log: AuthLogger
  /** `CLIENT SETNAME`. */
  clientName?: string
}

export function createRedisAttemptStore(options: RedisAttemptStoreOptions): AttemptStore {
  const fallback = createMemoryAttemptStore()
  const client = createClient({
    url: options.url,
    name: options.clientName ?? 'parley-attempts',
    // Nothing waits for a server that is gone: a refused command falls back to memory at once.
    disableOfflineQueue: true,
    commandOptions: { timeout: 2000 },
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000) },
  })
  // Without an `error` listener the client's errors would crash the process.
  client.on('error', () => undefined)
  client.connect().catch((error: unknown) => {
    options.log.warn(
      { error: error instanceof Error ? error.message : String(error) },
      'attempt limiter: Redis unreachable',
    )
  })
  let warned = false
  async function add(key: string, amount: number, windowMs: number) {
    if (client.isReady) {
      try {
        const [count, ttl] = (await client.eval(HIT, {
          keys: [`${options.prefix}attempts:${key}`],
          arguments: [String(windowMs), String(amount)],
        })) as [number, number]
        warned = false
        return { count: Number(count), resetInMs: Number(ttl) }
      } catch (error) {
        if (!warned) {
          options.log.warn(
            { error: error instanceof Error ? error.message : String(error) },
            'attempt limiter counting in memory: Redis command failed',
          )
          warned = true
        }
      }
    }
    return fallback.add(key, amount, windowMs)
  }
  return {
    hit: (key, windowMs) => add(key, 1, windowMs),
    add,
    async ready(timeoutMs) {
      if (client.isReady) return
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => client.once('ready', () => resolve())),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs)
        }),
      ])
      clearTimeout(timer)
    },
    async close() {
      await fallback.close()
      if (client.isReady) {
        try {
          await client.close()
          return
        } catch {
          // gone meanwhile: destroyed below
        }
      }
      if (client.isOpen) client.destroy()
    },
  }
}
