/**
 * The gateway's own Redis connection for shared state (the bus has its own pub/sub pair). Like the
 * bus it queues nothing while disconnected: a command then fails at once and the caller falls back
 * to this instance's view, instead of waiting for a server that may not come back.
 * @module
 */
import { reconnectDelay, redactRedisUrl } from '@parley/bus'
import type { Logger } from 'pino'
import { createClient, type RedisClientType } from 'redis'

/** The client with default modules, no scripts and RESP3 (redis 6's default). */
export type RedisCommands = RedisClientType

function createSharedStateClient(options: RedisClientOptions, connectTimeoutMs: number): RedisCommands {
  return createClient({
    url: options.url,
    name: options.name,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 5000 },
    socket: {
      connectTimeout: Math.min(connectTimeoutMs, 10_000),
      reconnectStrategy: (retries) => reconnectDelay(retries),
    },
  })
}

export interface RedisClientOptions {
  url: string
  /** `CLIENT SETNAME`, so operators can tell connections apart. */
  name: string
  log: Logger
  connectTimeoutMs?: number
  commandTimeoutMs?: number
}

/** Connects, or fails naming Redis and the (redacted) address after `connectTimeoutMs`. */
export async function connectRedis(options: RedisClientOptions): Promise<RedisCommands> {
  const where = redactRedisUrl(options.url)
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000
  const client = createSharedStateClient(options, connectTimeoutMs)
  let lastError: Error | undefined
  let wasReady = false
  // Without an `error` listener the client's errors would crash the process.
  client.on('error', (error: Error) => {
    lastError = error
    if (wasReady) options.log.debug({ err: error, redis: where }, 'shared-state Redis connection error')
  })
  client.on('ready', () => {
    if (wasReady) options.log.info({ redis: where }, 'shared-state Redis connection restored')
    wasReady = true
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastError ? `: ${lastError.message || lastError.name}` : ''
      reject(
        new Error(
          `Redis is not reachable at ${where} within ${connectTimeoutMs} ms${cause} (start Redis or check REDIS_URL)`,
        ),
      )
    }, connectTimeoutMs)
  })
  const connecting = client.connect()
  try {
    await Promise.race([connecting, timedOut])
  } catch (error) {
    connecting.catch(() => {})
    client.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
  return client
}

/** QUIT that waits for pending replies, but not for a server that is gone. */
export async function disconnectRedis(client: RedisCommands): Promise<void> {
  if (!client.isOpen) return
  if (!client.isReady) {
    client.destroy()
    return
  }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.close(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('close timed out')), 5000)
      }),
    ])
  } catch {
    client.destroy()
  } finally {
    clearTimeout(timer)
  }
}
