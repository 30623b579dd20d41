/**
 * The shared state of several gateways in Redis: the online directory, private-chat requests (a
 * key per request with a TTL, taken once with GETDEL) and the broadcast ledger (SET NX with a TTL).
 * While Redis is unreachable each part falls back to this instance's memory, so the gateway keeps
 * serving its own clients.
 * @module
 */
import type { Logger } from 'pino'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { RecentIds } from '../recent-ids.js'
import { createMemoryBroadcastLedger, createMemoryPrivateRequests, PRIVATE_REQUEST_TTL_MS } from './memory-cluster.js'
import { PrivateBroker } from './private-broker.js'
import { connectRedis, disconnectRedis, type RedisCommands } from './redis-client.js'
import { createRedisDirectory } from './redis-directory.js'
import type { BroadcastLedger, ClusterState, PrivateRequest, PrivateRequests } from './types.js'

/** How long a broadcast's answer is kept for resends (a client resends within its reconnect backoff). */
const BROADCAST_MEMORY_MS = 24 * 3600 * 1000

const StoredPrivateRequest = Type.Object({
  requestId: Type.String({ minLength: 1, maxLength: 64 }),
  fromUserId: Type.Integer({ minimum: 1 }),
  from: Type.String({ minLength: 1 }),
  fromConnId: Type.String({ minLength: 1, maxLength: 64 }),
  toUserId: Type.Integer({ minimum: 1 }),
  to: Type.String({ minLength: 1 }),
  expiresAt: Type.Integer({ minimum: 0 }),
})
const storedPrivateRequest = Compile(StoredPrivateRequest)
// The stored form is the request itself.
const sameShape: Static<typeof StoredPrivateRequest> extends PrivateRequest ? true : false = true
void sameShape

function redisPrivateRequests(client: RedisCommands, prefix: string, log: Logger): PrivateRequests {
  const fallback = createMemoryPrivateRequests(new PrivateBroker(PRIVATE_REQUEST_TTL_MS))
  // Keyed by the addressee: only they can take it.
  const key = (toUserId: number, requestId: string) => `${prefix}private:${toUserId}:${requestId}`
  return {
    async open(request, now) {
      const stored: PrivateRequest = { ...request, expiresAt: now + PRIVATE_REQUEST_TTL_MS }
      try {
        await client.set(key(request.toUserId, request.requestId), JSON.stringify(stored), {
          expiration: { type: 'PX', value: PRIVATE_REQUEST_TTL_MS },
        })
        return stored
      } catch (error) {
        log.warn({ err: error }, 'private request kept in memory: Redis unreachable')
        return fallback.open(request, now)
      }
    },
    async take(requestId, userId, now) {
      let text: string | null
      try {
        text = await client.getDel(key(userId, requestId))
      } catch (error) {
        log.warn({ err: error }, 'private request looked up in memory: Redis unreachable')
        return fallback.take(requestId, userId, now)
      }
      if (text === null) return fallback.take(requestId, userId, now)
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        return null
      }
      if (!storedPrivateRequest.Check(value) || value.toUserId !== userId || value.expiresAt <= now) return null
      return value
    },
  }
}

function redisBroadcastLedger(client: RedisCommands, prefix: string, log: Logger): BroadcastLedger {
  const fallback = createMemoryBroadcastLedger(new RecentIds(10_000))
  const key = (id: string) => `${prefix}broadcast:${id}`
  return {
    async remember(id, skipped) {
      try {
        const set = await client.set(key(id), skipped ? '1' : '0', {
          condition: 'NX',
          expiration: { type: 'PX', value: BROADCAST_MEMORY_MS },
        })
        if (set !== null) return null
        const earlier = await client.get(key(id))
        return earlier === null ? null : earlier === '1'
      } catch (error) {
        log.warn({ err: error }, 'broadcast ledger in memory: Redis unreachable')
        return fallback.remember(id, skipped)
      }
    },
    async forget(id) {
      await fallback.forget(id)
      await client.del(key(id)).catch(() => undefined)
    },
  }
}

export interface RedisClusterOptions {
  url: string
  /** The deployment's key prefix (BUS_PREFIX). */
  prefix: string
  instanceId: string
  /** Heartbeat TTL of this instance in the directory. */
  ttlMs: number
  log: Logger
  connectTimeoutMs?: number
}

export async function openRedisCluster(options: RedisClusterOptions): Promise<ClusterState> {
  const client = await connectRedis({
    url: options.url,
    name: 'parley-gateway-state',
    log: options.log,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  })
  const directory = createRedisDirectory({
    client,
    prefix: options.prefix,
    instanceId: options.instanceId,
    ttlMs: options.ttlMs,
    log: options.log,
  })
  let closed = false
  return {
    kind: 'redis',
    directory,
    privateRequests: redisPrivateRequests(client, options.prefix, options.log),
    broadcasts: redisBroadcastLedger(client, options.prefix, options.log),
    async close() {
      if (closed) return
      closed = true
      await directory.stop()
      await disconnectRedis(client)
    },
  }
}
