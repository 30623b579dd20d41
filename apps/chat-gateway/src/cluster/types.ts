/**
 * What the gateways of one deployment share besides storage and the bus: who is online where (the
 * directory), pending private-chat requests, and the answers to broadcasts already sent (so a
 * resend after a reconnect to another gateway is not sent twice). In memory for one process; in
 * Redis for many (`redis-cluster.ts`).
 * @module
 */
import type { SessionKind } from '../registry.js'

export interface OnlineUser {
  id: number
  username: string
}

/** The placeholder connection id of a user's grace after their last connection on `instanceId` closed. */
export function graceConnId(instanceId: string): string {
  return `grace@${instanceId}`
}

/** One signed-in connection as the directory records it. */
export interface ConnectionClaim {
  userId: number
  username: string
  connId: string
  /** SHA-256 of the session token (with `oneSessionPerUser`, other sessions are refused). */
  sessionHash: string
  kind: SessionKind
  /** Refuse the claim while the user is online under another session (`CHAT_ONE_SESSION_PER_USER`). */
  oneSessionPerUser?: boolean
  /** Refuse the claim when the user already has this many connections on live instances; absent: no cap. */
  maxConnections?: number
}

export interface ClaimResult {
  /** False: `tooMany`, or (`oneSessionPerUser`) the user is online under another session on a live instance (CHAT_ALREADY_ONLINE). */
  accepted: boolean
  /** Refused because the user already holds `maxConnections` connections (the one session they may have). */
  tooMany?: boolean
  /** True: the user had no connection anywhere before; announce `online` (exactly one claim sees this). */
  first: boolean
}

/** Called for transitions the directory itself discovered (a dead instance swept, a re-registration). */
export interface DirectoryHooks {
  /** Announce this user's online/offline change to everyone. */
  transition(user: OnlineUser, state: 'online' | 'offline'): void
  /** A dead instance's connections were removed: close its presence history. */
  instanceGone(instanceId: string): void
}

/**
 * Who is online across every gateway. A user is online while they have at least one connection in
 * the directory; `claim` and `release` change it atomically and report the user-level transition,
 * so exactly one caller announces each one. While the shared store is unreachable, the directory
 * answers from this instance's own connections and reconciles once it is back.
 */
export interface OnlineDirectory {
  readonly instanceId: string
  /**
   * Registers a connection, unless the user holds `maxConnections` already, or (`oneSessionPerUser`)
   * is online under another session on a live instance (connections of crashed instances do not count).
   */
  claim(connection: ConnectionClaim): Promise<ClaimResult>
  /**
   * Removes a connection; `last`: it was the user's last anywhere (announce `offline`). With
   * `graceMs`, the user's last connection leaves a placeholder held by this instance for that long
   * (`last` is false): a connection claimed meanwhile, on any instance, finds the user still online
   * (no `online` to announce), and when the grace ends with nobody back the directory reports the
   * `offline` transition to its hooks. So a page that reloads, or moves to another gateway, never
   * flickers offline and online.
   */
  release(userId: number, connId: string, options?: { graceMs?: number }): Promise<{ last: boolean }>
  isOnline(userId: number): Promise<boolean>
  /** Every online user, by name. */
  onlineUsers(): Promise<OnlineUser[]>
  /**
   * Starts the instance's liveness (heartbeat, sweeping dead instances). Clears what an earlier run
   * of the same instance id left behind, reporting those users' transitions to `hooks`.
   */
  start(hooks: DirectoryHooks): Promise<void>
  /** Re-registers this instance's connections and drops entries it no longer has (after a bus or Redis outage). */
  resync(): Promise<void>
  /** Stops the heartbeat. Entries stay until they expire, so clients can move to another gateway unseen. */
  stop(): Promise<void>
}

export interface PrivateRequest {
  requestId: string
  fromUserId: number
  from: string
  /** The requesting connection, which gets the `private_ready`. */
  fromConnId: string
  toUserId: number
  to: string
  expiresAt: number
}

/** Pending private-chat requests, answerable once, by their addressee, on any gateway. */
export interface PrivateRequests {
  open(request: Omit<PrivateRequest, 'expiresAt'>, now: number): Promise<PrivateRequest>
  /** Removes and returns the request when it is addressed to `userId` and still valid; null otherwise. */
  take(requestId: string, userId: number, now: number): Promise<PrivateRequest | null>
}

/** Broadcasts already sent, by `<senderId>:<client id>`, with their `skipped` answer. */
export interface BroadcastLedger {
  /** Records `skipped` for `key` unless an answer is there; returns the earlier answer, or null when this call recorded it. */
  remember(key: string, skipped: boolean): Promise<boolean | null>
  /** Forgets `key` (the broadcast could not be sent after all: a resend must go out). */
  forget(key: string): Promise<void>
}

export interface ClusterState {
  readonly directory: OnlineDirectory
  readonly privateRequests: PrivateRequests
  readonly broadcasts: BroadcastLedger
  /** `memory` for one process, `redis` for many. */
  readonly kind: 'memory' | 'redis'
  /** Stops the directory and closes the connection to the shared store. Idempotent. */
  close(): Promise<void>
}
