/**
 * Redis for tests: the server from REDIS_URL (default: the local one). Every bus gets a unique
 * prefix and client name, so runs sharing one server never hear or kill each other's connections.
 */
import { createClient } from 'redis'
import { type BusLogger, createRedisBus, type RedisBusOptions } from '../src/index.js'

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let counter = 0
export function uniqueClientName(): string {
  return `parley-test-${process.pid}-${Date.now().toString(36)}-${++counter}`
}

/** Fails with the bus's own error, which names Redis and its address, when the server is not there. */
export function openTestRedisBus(
  prefix: string,
  extra: Partial<RedisBusOptions> & { logger?: BusLogger } = {},
): ReturnType<typeof createRedisBus> {
  return createRedisBus({
    url: redisUrl,
    prefix,
    clientName: uniqueClientName(),
    connectTimeoutMs: 5000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 250 },
    ...extra,
  })
}

function adminClient() {
  return createClient({ url: redisUrl, socket: { reconnectStrategy: false, connectTimeout: 5000 } })
}
export type AdminClient = ReturnType<typeof adminClient>

/** A plain connection for CLIENT LIST / CLIENT KILL; fails naming Redis when it is not there. */
export async function connectAdmin(): Promise<AdminClient> {
  const client = adminClient()
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

/** The `id` of each connection whose name is exactly `name`, from `CLIENT LIST`. */
export async function clientIdsNamed(admin: AdminClient, name: string): Promise<string[]> {
  const list = String(await admin.sendCommand(['CLIENT', 'LIST']))
  return list
    .split('\n')
    .map((line) =>
      Object.fromEntries(
        line
          .trim()
          .split(' ')
          .map((field) => field.split('=', 2) as [string, string]),
      ),
    )
    .filter((fields) => fields.name === name)
    .map((fields) => fields.id as string)
}
