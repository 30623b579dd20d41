/**
 * Picks the shared state for a deployment: Redis when `REDIS_URL` is set (several gateways), else
 * memory (one gateway process).
 * @module
 */
import type { Logger } from 'pino'
import { createMemoryCluster } from './memory-cluster.js'
import { openRedisCluster } from './redis-cluster.js'
import type { ClusterState } from './types.js'

export interface OpenClusterOptions {
  redisUrl?: string | undefined
  prefix: string
  instanceId: string
  ttlMs: number
  log: Logger
}

export async function openCluster(options: OpenClusterOptions): Promise<ClusterState> {
  if (!options.redisUrl) return createMemoryCluster(options.instanceId)
  return openRedisCluster({
    url: options.redisUrl,
    prefix: options.prefix,
    instanceId: options.instanceId,
    ttlMs: options.ttlMs,
    log: options.log.child({ component: 'cluster' }),
  })
}
