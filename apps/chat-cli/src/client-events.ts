/**
 * What the terminal client tells its view: its states and the typed events it emits (the shared
 * client's, in the terminal's terms: a reply that will never come is `lost`).
 * @module
 */
import type { CloseCause, MessageEvent, Welcome } from '@parley/chat-client'
import type { ClientMessage, ServerMessage } from '@parley/protocol'
import type { GatewayCommand } from './commands.js'

export type { CloseCause, ErrorReply, MessageEvent, Welcome } from '@parley/chat-client'

/** The terminal never restarts a stopped client: every stop is `closed`. */
export type ClientState = 'idle' | 'connecting' | 'signing-in' | 'joined' | 'reconnecting' | 'closed'
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
/** Frames the client may send on the user's behalf (everything but the sign-in and bookkeeping ones). */
export type UserRequest = GatewayCommand | WithoutId<ServerlessRequests>
type ServerlessRequests = Extract<ClientMessage, { type: 'private_answer' | 'history' }>

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
