/**
 * The shared state of gateways in ONE process: the default without Redis. Several gateways may
 * share a hub (tests); nothing here outlives the process, so there are no dead instances to sweep.
 * @module
 */
import { RecentIds } from '../recent-ids.js'
import type { SessionKind } from '../registry.js'
import { PrivateBroker } from './private-broker.js'
import type {
  BroadcastLedger,
  ClusterState,
  ConnectionClaim,
  OnlineDirectory,
  OnlineUser,
  PrivateRequests,
} from './types.js'

interface Entry {
  sessionHash: string
  kind: SessionKind
  instanceId: string
}

interface OnlineEntry {
  username: string
  connections: Map<string, Entry>
}

export interface MemoryClusterHub {
  readonly users: Map<number, OnlineEntry>
  readonly privateRequests: PrivateBroker
  readonly broadcasts: RecentIds<boolean>
}

export const PRIVATE_REQUEST_TTL_MS = 120_000
const REMEMBERED_BROADCASTS = 10_000

export function createMemoryClusterHub(): MemoryClusterHub {
  return {
    users: new Map(),
    privateRequests: new PrivateBroker(PRIVATE_REQUEST_TTL_MS),
    broadcasts: new RecentIds(REMEMBERED_BROADCASTS),
  }
}

export function createMemoryDirectory(hub: MemoryClusterHub, instanceId: string): OnlineDirectory {
  return {
    instanceId,
    async claim(connection: ConnectionClaim) {
      const user = hub.users.get(connection.userId)
      if (user) {
        for (const entry of user.connections.values()) {
          if (entry.sessionHash !== connection.sessionHash) return { accepted: false, first: false }
        }
        if (connection.maxConnections !== undefined && user.connections.size >= connection.maxConnections) {
          return { accepted: false, first: false, tooMany: true }
        }
      }
      const target = user ?? { username: connection.username, connections: new Map<string, Entry>() }
      target.connections.set(connection.connId, {
        sessionHash: connection.sessionHash,
        kind: connection.kind,
        instanceId,
      })
      hub.users.set(connection.userId, target)
      return { accepted: true, first: user === undefined }
    },
    async release(userId, connId) {
      const user = hub.users.get(userId)
      if (!user?.connections.delete(connId)) return { last: false }
      if (user.connections.size > 0) return { last: false }
      hub.users.delete(userId)
      return { last: true }
    },
    async isOnline(userId) {
      return hub.users.has(userId)
    },
    async onlineUsers(): Promise<OnlineUser[]> {
      return [...hub.users.entries()]
        .map(([id, user]) => ({ id, username: user.username }))
        .sort((a, b) => a.username.localeCompare(b.username))
    },
    async start() {},
    async resync() {},
    async stop() {
      // The process keeps running (tests) but this instance is gone: forget its connections quietly.
      for (const [userId, user] of hub.users) {
        for (const [connId, entry] of user.connections) {
          if (entry.instanceId === instanceId) user.connections.delete(connId)
        }
        if (user.connections.size === 0) hub.users.delete(userId)
      }
    },
  }
}

export function createMemoryPrivateRequests(broker: PrivateBroker): PrivateRequests {
  return {
    async open(request, now) {
      return broker.open(request, now)
    },
    async take(requestId, userId, now) {
      return broker.take(requestId, userId, now)
    },
  }
}

export function createMemoryBroadcastLedger(ids: RecentIds<boolean>): BroadcastLedger {
  return {
    async remember(key, skipped) {
      const earlier = ids.get(key)
      if (earlier !== undefined) return earlier
      ids.set(key, skipped)
      return null
    },
    async forget(key) {
      ids.delete(key)
    },
  }
}

/** The in-process cluster state; pass one `hub` to several gateways to join them. */
export function createMemoryCluster(instanceId: string, hub = createMemoryClusterHub()): ClusterState {
  const directory = createMemoryDirectory(hub, instanceId)
  return {
    kind: 'memory',
    directory,
    privateRequests: createMemoryPrivateRequests(hub.privateRequests),
    broadcasts: createMemoryBroadcastLedger(hub.broadcasts),
    close: () => directory.stop(),
  }
}
