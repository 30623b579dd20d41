/**
 * What commands see of a connection: a narrow view, so no command reaches into the socket, its
 * timers or the gateway's registry. `WebSocketConnection` (connection.ts) implements it. A command
 * before sign-in gets a `Connection`; a command after sign-in gets a `SignedInConnection`, whose
 * `user` is always there.
 * @module
 */
import type { ByeReason, ClientMessage, ServerMessage } from '@parley/protocol'
import type { Logger } from 'pino'
import type { SessionKind } from './registry.js'

/** Facts from the HTTP upgrade, checked before the WebSocket was accepted. */
export interface UpgradeInfo {
  ip: string | null
  userAgent: string | null
  origin: string | null
  /** The board session of the `__Host-parley` cookie, authenticated at the upgrade (allowed Origins only). */
  cookieSession: { token: string; userId: number } | null
}

export interface SignedInUser {
  userId: number
  username: string
  /** The session token (kept to re-check the session at each heartbeat; never logged). */
  token: string
  sessionHash: string
  kind: SessionKind
}

/** The offline queue as a connection pushes it: what it has sent and not yet seen confirmed. */
export interface OfflineCursor {
  /** The client confirmed these ids (`received`): pushes the next batch once nothing is left in flight. */
  confirmed(ids: readonly number[]): Promise<void>
  /** Pushes the next batch of the user's offline queue, oldest first. */
  pushPending(): Promise<void>
}

export interface Connection {
  readonly connId: string
  readonly upgrade: UpgradeInfo
  /** A logger bound to this connection (and its user once signed in). */
  readonly log: Logger
  /** True once the connection is ending: nothing more is done for it. */
  readonly ended: boolean
  /** The signed-in view of this connection, or null before sign-in. */
  signedIn(): SignedInConnection | null
  /** Makes the connection signed in (registered here for deliveries); the caller has claimed it in the directory. */
  signIn(user: SignedInUser): SignedInConnection
  /** Sends a frame; false when it could not be sent. */
  send(frame: ServerMessage): boolean
  /** Ends the connection with a `bye` frame and the close code of its reason. */
  bye(reason: ByeReason): void
  /** Closes with a WebSocket status. */
  close(code: number, reason: string): void
}

export interface SignedInConnection extends Connection {
  readonly user: SignedInUser
  readonly offline: OfflineCursor
}

/** Runs one decoded frame of a connection (commands/index.ts); injected into each connection. */
export type Dispatch = (conn: Connection, frame: ClientMessage) => Promise<void>
