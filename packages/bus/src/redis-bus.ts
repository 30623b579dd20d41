/**
 * The bus across processes: Redis pub/sub through the official `redis` client. One connection
 * publishes and one subscribes (a subscribed connection may not publish). Both reconnect by
 * themselves with backoff; the client restores the subscriptions before it reports ready again,
 * and then `onReconnect` listeners run so the app can catch up from storage on what it missed.
 * Neither connection queues commands while down: a publish then rejects at once instead of
 * waiting for a server that may not come back.
 * @module
 */
import { createClient } from 'redis'
import { type BackoffOptions, reconnectDelay } from './backoff.js'
import { type Bus, type BusHandler, type BusLogger, DEFAULT_PREFIX, silentLogger, type Unsubscribe } from './bus.js'
import { checkPrefix, encodeMessage, qualifiedChannel } from './channels.js'
import { dispatch } from './dispatch.js'
import { BusUnavailableError } from './errors.js'
import { checkRedisUrl, redactRedisUrl } from './redis-url.js'

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string
  /** Prepended to every channel name; default `parley:`. Tests use a unique one per run. */
  prefix?: string
  logger?: BusLogger
  /** `CLIENT SETNAME` base, so operators can tell the connections apart: `<name>:pub`, `<name>:sub`. */
  clientName?: string
  /** How long `createRedisBus` waits for the first connection before failing; default 10 s. */
  connectTimeoutMs?: number
  /** How long one publish or subscribe may wait for Redis's reply; default 5 s. */
  commandTimeoutMs?: number
  reconnect?: BackoffOptions
}

type RedisClient = ReturnType<typeof createClient>

const CLIENT_NAME_PATTERN = /^[A-Za-z0-9:._-]{1,100}$/

interface RedisSubscription {
  readonly name: string
  readonly listener: (text: string) => void
  active: boolean
}

/** Connects both connections; rejects with `BusUnavailableError` naming Redis when it cannot. */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const url = checkRedisUrl(options.url)
  const where = redactRedisUrl(url)
  const prefix = checkPrefix(options.prefix ?? DEFAULT_PREFIX)
  const log = options.logger ?? silentLogger
  const clientName = options.clientName ?? 'parley-bus'
  if (!CLIENT_NAME_PATTERN.test(clientName)) {
    throw new TypeError(`clientName must be 1-100 of A-Z a-z 0-9 : . _ -, got ${JSON.stringify(clientName)}`)
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000

  function connection(role: 'pub' | 'sub'): RedisClient {
    return createClient({
      url: url.href,
      name: `${clientName}:${role}`,
      // RESP3 (Redis >= 6) lets the subscribed connection still answer PING; see subscribe().
      RESP: 3,
      disableOfflineQueue: true,
      commandOptions: { timeout: commandTimeoutMs },
      // A fresh object per client: the client merges the URL's host and port into it.
      socket: {
        connectTimeout: Math.min(connectTimeoutMs, 10_000),
        reconnectStrategy: (retries) => reconnectDelay(retries, options.reconnect),
      },
    })
  }

  const publisher = connection('pub')
  const subscriber = connection('sub')
  const reconnectListeners = new Set<() => void>()
  const subscriptions = new Set<RedisSubscription>()
  let closed = false
  let lastError: Error | undefined

  // Set when the subscriber lost its connection: messages may have been missed since.
  let subscriberGap = false

  function notifyReconnected(): void {
    for (const listener of [...reconnectListeners]) {
      try {
        listener()
      } catch (error) {
        log.error({ err: error }, 'bus reconnect listener failed')
      }
    }
  }

  function watch(client: RedisClient, role: 'pub' | 'sub'): void {
    let wasReady = false
    let lost = false
    // Without an `error` listener the client's errors would crash the process.
    client.on('error', (error: Error) => {
      lastError = error
      if (closed) return
      if (wasReady && !lost) {
        lost = true
        if (role === 'sub') subscriberGap = true
        log.warn({ err: error, role, redis: where }, 'Redis bus connection lost: reconnecting')
      } else {
        log.debug({ err: error, role, redis: where }, 'Redis bus connection attempt failed')
      }
    })
    client.on('ready', () => {
      const reconnected = wasReady
      wasReady = true
      lost = false
      if (!reconnected || closed) return
      log.info({ role, redis: where }, 'Redis bus reconnected')
      // Once both connections are back (so the app may publish again) and only if the subscriber
      // was away: a publisher's gap lost nothing silently, its publishes were rejected.
      if (subscriberGap && publisher.isReady && subscriber.isReady) {
        subscriberGap = false
        notifyReconnected()
      }
    })
  }
  watch(publisher, 'pub')
  watch(subscriber, 'sub')

  await connectBoth(publisher, subscriber, connectTimeoutMs, () => {
    const cause = lastError ? `: ${lastError.message || lastError.name}` : ''
    return new BusUnavailableError(
      'unreachable',
      `Redis is not reachable at ${where} within ${connectTimeoutMs} ms${cause} (start Redis or check REDIS_URL)`,
      { cause: lastError },
    )
  })
  log.info({ redis: where, prefix }, 'Redis bus connected')

  function unavailable(action: string, cause?: unknown): BusUnavailableError {
    if (closed) return new BusUnavailableError('closed', 'the bus is closed', { cause })
    const detail = cause instanceof Error ? `: ${cause.message || cause.name}` : ''
    return new BusUnavailableError('disconnected', `Redis at ${where} is unavailable, cannot ${action}${detail}`, {
      cause,
    })
  }

  return {
    async publish(channel, message) {
      const name = qualifiedChannel(prefix, channel)
      const text = encodeMessage(message)
      if (closed || !publisher.isReady) throw unavailable(`publish on ${channel}`)
      try {
        await publisher.publish(name, text)
      } catch (error) {
        throw unavailable(`publish on ${channel}`, error)
      }
    },

    async subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe> {
      const name = qualifiedChannel(prefix, channel)
      if (closed || !subscriber.isReady) throw unavailable(`subscribe to ${channel}`)
      const subscription: RedisSubscription = {
        name,
        // A fresh function per call: the client keeps a set of listeners per channel.
        listener: (text) => {
          if (subscription.active) dispatch(handler, text, channel, log)
        },
        active: false,
      }
      try {
        await withTimeout(subscriber.subscribe(name, subscription.listener), commandTimeoutMs, 'SUBSCRIBE')
        // On a channel this connection already hears, the client adds the listener without asking
        // Redis, so messages published earlier may still be on their way. Redis answers in order:
        // whatever arrives before this PING's reply was published before the subscription.
        await subscriber.ping()
        subscription.active = true
      } catch (error) {
        subscription.active = false
        await quietly(subscriber.unsubscribe(name, subscription.listener), commandTimeoutMs)
        throw unavailable(`subscribe to ${channel}`, error)
      }
      subscriptions.add(subscription)
      return async () => {
        if (!subscriptions.delete(subscription)) return
        subscription.active = false
        // The client drops the listener at once; the UNSUBSCRIBE itself may wait for a connection.
        await quietly(subscriber.unsubscribe(name, subscription.listener), commandTimeoutMs)
      }
    },

    get healthy() {
      return !closed && publisher.isReady && subscriber.isReady
    },

    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => {
        reconnectListeners.delete(listener)
      }
    },

    async close() {
      if (closed) return
      closed = true
      for (const subscription of subscriptions) subscription.active = false
      subscriptions.clear()
      reconnectListeners.clear()
      await Promise.all([shutDown(publisher, commandTimeoutMs), shutDown(subscriber, commandTimeoutMs)])
      log.info({ redis: where }, 'Redis bus closed')
    },
  }
}

async function connectBoth(
  publisher: RedisClient,
  subscriber: RedisClient,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<void> {
  const connected = Promise.all([publisher.connect(), subscriber.connect()])
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), timeoutMs)
  })
  try {
    await Promise.race([connected, timedOut])
  } catch (error) {
    // destroy() makes the pending connect() reject; that rejection is expected and ignored.
    connected.catch(() => {})
    publisher.destroy()
    subscriber.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** QUIT-like close that waits for pending replies, but not for a server that is gone. */
async function shutDown(client: RedisClient, timeoutMs: number): Promise<void> {
  if (!client.isOpen) return
  if (!client.isReady) {
    client.destroy()
    return
  }
  try {
    await withTimeout(client.close(), timeoutMs, 'close')
  } catch {
    client.destroy()
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no reply within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** Waits for a best-effort command, ignoring its failure. */
async function quietly(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  promise.catch(() => {})
  await withTimeout(promise, timeoutMs, 'command').catch(() => {})
}
