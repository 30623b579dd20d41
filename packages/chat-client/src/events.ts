/**
 * What the client tells its user (the terminal view or the page): its states and the typed events
 * it emits. Frames are the protocol's types; a frame this client does not know (a newer gateway's)
 * is passed on as a `push` event too, so a view can grow without touching the client.
 * @module
 */
import type { ByeReason, ClientMessage, ServerMessage, ServerMessageOf } from '@parley/protocol'

/**
 * `stopped`: the gateway ended the session (or the page stopped); `reconnectNow()` starts again.
 * `closed`: for good (`close()`, or any stop when the client was made with `stopIsFinal`).
 */
export type ClientState = 'idle' | 'connecting' | 'signing-in' | 'joined' | 'reconnecting' | 'stopped' | 'closed'

export type Welcome = ServerMessageOf<'welcome'>
export type ErrorReply = ServerMessageOf<'error'>
export type MessageEvent = ServerMessageOf<'message'>

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
/** Frames the client sends for its user: all but the sign-in ones and `received` (the client's own business). */
export type Request = WithoutId<Exclude<ClientMessage, { type: 'received' | 'lookup' | 'login' | 'resume' }>>
export type RequestType = Request['type']
/** Every frame but `received` carries an id the reply names. */
export type IdentifiedRequest = Exclude<ClientMessage, { type: 'received' }>
export type SignInRequest = Extract<IdentifiedRequest, { type: 'lookup' | 'login' }>

/** Why the client stopped. */
export type CloseCause =
  | { why: 'local' }
  | { why: 'bye'; reason: ByeReason; message: string }
  /** The gateway refused to sign in or resume the session (signed out, expired, suspended, already online). */
  | { why: 'session-ended'; code: string; message: string }
  /** The gateway closed the socket for a protocol or policy violation. */
  | { why: 'policy'; code: number; reason: string }
  /** The connection cannot be made at all (e.g. a malformed URL). */
  | { why: 'unreachable'; message: string }

export type ClientEvent =
  | { type: 'state'; state: ClientState }
  /** A connection attempt starts (the first one, and each reconnect). */
  | { type: 'connecting'; attempt: number }
  | { type: 'joined'; welcome: Welcome; resumed: boolean }
  /** The gateway's reply to a request; `reply: null`: it was on the wire when the connection dropped and will not come. */
  | { type: 'reply'; request: IdentifiedRequest; reply: ServerMessage | null }
  /** A direct message, for the first time (never twice for one messageId). */
  | { type: 'message'; message: MessageEvent }
  /** Any other pushed frame: broadcast, presence, private_*, bye, an error without replyTo, frames added later. */
  | { type: 'push'; event: ServerMessage }
  | { type: 'disconnected'; code: number; reason: string }
  /** Waiting before the next attempt; `reason`: why the last connection ended ('lost' or the bye's reason). */
  | { type: 'reconnecting'; attempt: number; delayMs: number; reason: 'lost' | ByeReason }
  | { type: 'stopped'; cause: CloseCause }
  | { type: 'closed'; cause: CloseCause }

export type ClientListener = (event: ClientEvent) => void
