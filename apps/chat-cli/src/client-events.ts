/**
 * What the chat client tells its user (the view): its states and the typed events it emits.
 * @module
 */
import type { ByeReason, ClientMessage, ServerMessage, ServerMessageOf } from '@parley/protocol'
import type { GatewayCommand } from './commands.js'

export type ClientState = 'idle' | 'connecting' | 'signing-in' | 'joined' | 'reconnecting' | 'closed'
export type Welcome = ServerMessageOf<'welcome'>
export type ErrorReply = ServerMessageOf<'error'>
export type MessageEvent = ServerMessageOf<'message'>
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
/** Frames the client may send on the user's behalf (everything but the sign-in and bookkeeping ones). */
export type UserRequest = GatewayCommand | WithoutId<ServerlessRequests>
type ServerlessRequests = Extract<ClientMessage, { type: 'private_answer' | 'history' }>
/** Every frame but `received` carries an id the reply names. */
export type IdentifiedRequest = Exclude<ClientMessage, { type: 'received' }>

/** Why the client stopped for good. */
export type CloseCause =
  | { why: 'local' }
  | { why: 'bye'; reason: ByeReason; message: string }
  /** The gateway refused to resume the session (expired, revoked, suspended). */
  | { why: 'session-ended'; code: string; message: string }
  /** The gateway closed the socket for a protocol or policy violation. */
  | { why: 'policy'; code: number; reason: string }

export type ClientEvent =
  | { type: 'state'; state: ClientState }
  | { type: 'joined'; welcome: Welcome; resumed: boolean }
  /** The gateway's reply to a user request. */
  | { type: 'reply'; request: ClientMessage; reply: ServerMessage }
  /** A request sent just before the connection dropped got no reply and will not be resent. */
  | { type: 'lost'; request: ClientMessage }
  /** A direct message, shown for the first time. */
  | { type: 'message'; message: MessageEvent }
  /** Any other event: broadcast, presence, private_*, bye, an error without replyTo. */
  | { type: 'push'; event: ServerMessage }
  | { type: 'disconnected'; code: number; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number }
  | { type: 'closed'; cause: CloseCause }

export type ClientListener = (event: ClientEvent) => void
