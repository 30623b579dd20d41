/**
 * Redis for tests: the server from REDIS_URL (default the local one), a unique key prefix per
 * test so runs sharing the server never see each other, and removal of that prefix's keys after.
 * A missing server fails the test naming Redis and its address.
 */
import { createClient, type RedisClientType } from 'redis'

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let counter = 0
export function uniquePrefix(): string {
  return `parley-test:gw-${process.pid}-${Date.now().toString(36)}-${++counter}:`
}

export type AdminClient = RedisClientType

export async function connectAdmin(): Promise<AdminClient> {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false, connectTimeout: 5000 } })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(error as Error).message}): start Redis or set REDIS_URL`,
      {
        cause: error,
      },
    )
  }
  return client
}

/** Deletes every key under `prefix`. */
export async function removeKeys(admin: AdminClient, prefix: string): Promise<void> {
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await admin.del(keys)
  }
}
