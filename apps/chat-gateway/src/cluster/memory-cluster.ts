/**
 * The shared state of gateways in ONE process: the default without Redis. Several gateways may
 * share a hub (tests); nothing here outlives the process, so there are no dead instances to sweep.
 * @module
 */
import { RecentIds } from '../recent-ids.js'
import type { SessionKind } from '../registry.js'
import { PrivateBroker } from './private-broker.js'
import {
  type BroadcastLedger,
  type ClusterState,
  type ConnectionClaim,
  type DirectoryHooks,
  graceConnId,
  type OnlineDirectory,
  type OnlineUser,
  type PrivateRequests,
} from './types.js'

interface Entry {
  sessionHash: string
  /** `grace`: the placeholder a user's last connection left for a short while (no session, no connection). */
  kind: SessionKind | 'grace'
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
  let hooks: DirectoryHooks | null = null
  /** Users whose grace this instance holds, and the timer that ends it. */
  const graces = new Map<number, NodeJS.Timeout>()
  const graceId = graceConnId(instanceId)

  function removeUserIfEmpty(userId: number, user: OnlineEntry): boolean {
    if (user.connections.size > 0) return false
    hub.users.delete(userId)
    return true
  }

  function endGrace(userId: number): void {
    graces.delete(userId)
    const user = hub.users.get(userId)
    if (!user?.connections.delete(graceId)) return
    if (removeUserIfEmpty(userId, user)) hooks?.transition({ id: userId, username: user.username }, 'offline')
  }

  return {
    instanceId,
    async claim(connection: ConnectionClaim) {
      const user = hub.users.get(connection.userId)
      if (user) {
        const live = [...user.connections.values()].filter((entry) => entry.kind !== 'grace')
        if (connection.oneSessionPerUser && live.some((entry) => entry.sessionHash !== connection.sessionHash)) {
          return { accepted: false, first: false }
        }
        if (connection.maxConnections !== undefined && live.length >= connection.maxConnections) {
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
    async release(userId, connId, options) {
      const user = hub.users.get(userId)
      if (!user?.connections.delete(connId)) return { last: false }
      const graceMs = options?.graceMs ?? 0
      const onlyGraces = [...user.connections.values()].every((entry) => entry.kind === 'grace')
      if (graceMs > 0 && onlyGraces) {
        user.connections.set(graceId, { sessionHash: '-', kind: 'grace', instanceId })
        clearTimeout(graces.get(userId))
        const timer = setTimeout(() => endGrace(userId), graceMs)
        timer.unref()
        graces.set(userId, timer)
        return { last: false }
      }
      // Gone for good (a logout, a timeout): nobody is coming back, so any grace ends here too.
      if (onlyGraces) user.connections.clear()
      return { last: removeUserIfEmpty(userId, user) }
    },
    async isOnline(userId) {
      return hub.users.has(userId)
    },
    async onlineUsers(): Promise<OnlineUser[]> {
      return [...hub.users.entries()]
        .map(([id, user]) => ({ id, username: user.username }))
        .sort((a, b) => a.username.localeCompare(b.username))
    },
    async start(startHooks) {
      hooks = startHooks
    },
    async resync() {},
    async stop() {
      hooks = null
      for (const timer of graces.values()) clearTimeout(timer)
      graces.clear()
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
