/**
 * Frames the gateway sends: replies (with `replyTo`) and events (pushed at any time).
 * @module
 */
import { type Static, type TObject, type TProperties, Type } from 'typebox'
import { ClientId, MessageId, PROTOCOL_VERSION, Timestamp } from './fields.js'
import { NotificationEvent } from './notifications.js'
import { SearchReply } from './search.js'

function frame<T extends TProperties>(properties: T): TObject<T> {
  return Type.Object(properties, { additionalProperties: false })
}

const Name = Type.String()

// --- replies -------------------------------------------------------------------------------
export const LookupReply = frame({
  type: Type.Literal('lookup'),
  replyTo: ClientId,
  username: Name,
  exists: Type.Boolean(),
  /** False when the server does not create accounts from the chat. */
  canCreate: Type.Boolean(),
})
/** Logged in (or resumed). `token` resumes this session after a dropped connection. */
export const WelcomeReply = frame({
  type: Type.Literal('welcome'),
  replyTo: ClientId,
  v: Type.Literal(PROTOCOL_VERSION),
  username: Name,
  token: Type.Optional(Type.String()),
  /** Seconds of silence before the gateway logs the user out. */
  timeoutSeconds: Type.Integer(),
  /**
   * Users online now whom this user may see: the first page only (at most `WELCOME_ONLINE_LIMIT`),
   * so a sign-in costs the same with 20 users online as with 20,000. `onlineNext` set: ask `whoelse`
   * with `after: onlineNext` for the rest.
   */
  online: Type.Array(Name),
  /** How many online users this user may see, in all. */
  onlineTotal: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Set when `online` is not everyone: the `after` cursor of the next `whoelse` page. */
  onlineNext: Type.Optional(Name),
  blocked: Type.Array(Name),
})
export const UsersReply = frame({
  type: Type.Literal('users'),
  replyTo: ClientId,
  users: Type.Array(Name),
  /** `whoelse` with a `limit`: more users follow; ask again with `after: next`. */
  next: Type.Optional(Name),
  /** More users matched than one answer carries (500, and always under the 64 KiB frame limit): these are some of them. */
  truncated: Type.Optional(Type.Boolean()),
})
/** The request was carried out; for `message` and `broadcast`, only after the message was stored. */
export const AckReply = frame({
  type: Type.Literal('ack'),
  replyTo: ClientId,
  /** For `message`: the stored message's id. */
  messageId: Type.Optional(MessageId),
  /** For `message`: the recipient was online and was sent it now (else it waits in the offline queue). */
  delivered: Type.Optional(Type.Boolean()),
  /** For `broadcast`: some online users did not get it because they blocked the sender. */
  skipped: Type.Optional(Type.Boolean()),
  /** For `block` / `unblock`: the user named. */
  user: Type.Optional(Name),
})
export const ChatMessageView = frame({
  messageId: MessageId,
  from: Name,
  to: Name,
  text: Type.String(),
  at: Timestamp,
  delivered: Type.Boolean(),
})
export const HistoryReply = frame({
  type: Type.Literal('history'),
  replyTo: ClientId,
  with: Name,
  messages: Type.Array(ChatMessageView),
})
export const ErrorReply = frame({
  type: Type.Literal('error'),
  replyTo: Type.Optional(ClientId),
  /** An `ErrorCode` of @parley/protocol. */
  code: Type.String(),
  message: Type.String(),
  /** The user the error is about, when there is one. */
  user: Type.Optional(Name),
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
})

// --- events --------------------------------------------------------------------------------
/** A direct message. The client answers `received` once it has shown it. */
export const MessageEvent = frame({
  type: Type.Literal('message'),
  messageId: MessageId,
  from: Name,
  text: Type.String(),
  at: Timestamp,
  /** True when it waited in the offline queue. */
  offline: Type.Boolean(),
})
/**
 * A message this user sent from another of their devices (issue 17, chat on every device): shown in
 * the conversation with `to`, never confirmed with `received` (it is not in this user's queue).
 * Live only; `history` has it too.
 */
export const SentEvent = frame({
  type: Type.Literal('sent'),
  messageId: MessageId,
  to: Name,
  text: Type.String(),
  at: Timestamp,
})
/**
 * Several presence changes at once, oldest first: changes that happen within one short tick go out
 * together (one frame per recipient instead of one per change). A tick with a single change still
 * sends a plain `presence` frame.
 */
export const PresenceBatchEvent = frame({
  type: Type.Literal('presence_batch'),
  changes: Type.Array(
    frame({
      user: Name,
      state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
      at: Timestamp,
    }),
  ),
})
export const BroadcastEvent = frame({ type: Type.Literal('broadcast'), from: Name, text: Type.String(), at: Timestamp })
export const PresenceEvent = frame({
  type: Type.Literal('presence'),
  user: Name,
  state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  at: Timestamp,
})
/** Someone asks this user for a private link; answer with `private_answer` naming `requestId`. */
export const PrivateRequestEvent = frame({ type: Type.Literal('private_request'), requestId: ClientId, from: Name })
/**
 * The link is arranged. The initiator connects to `hosts[i]:port` over TLS, checks the certificate
 * `fingerprint` (SHA-256), and sends `ticket` first; the acceptor gets the same ticket to expect.
 */
export const PrivateReadyEvent = frame({
  type: Type.Literal('private_ready'),
  user: Name,
  role: Type.Union([Type.Literal('initiator'), Type.Literal('acceptor')]),
  ticket: Type.String({ minLength: 16, maxLength: 128 }),
  port: Type.Optional(Type.Integer()),
  hosts: Type.Optional(Type.Array(Type.String())),
  fingerprint: Type.Optional(Type.String()),
})
export const PrivateDeclinedEvent = frame({ type: Type.Literal('private_declined'), user: Name })
/** The gateway ends the session: logout, inactivity timeout, replaced, revoked, suspended, shutdown. */
export const ByeEvent = frame({
  type: Type.Literal('bye'),
  reason: Type.Union([
    Type.Literal('logout'),
    Type.Literal('timeout'),
    Type.Literal('revoked'),
    Type.Literal('suspended'),
    Type.Literal('shutdown'),
    Type.Literal('replaced'),
  ]),
  message: Type.String(),
})

export const ServerMessage = Type.Union([
  LookupReply,
  WelcomeReply,
  UsersReply,
  AckReply,
  HistoryReply,
  SearchReply,
  ErrorReply,
  MessageEvent,
  SentEvent,
  BroadcastEvent,
  PresenceEvent,
  PresenceBatchEvent,
  PrivateRequestEvent,
  PrivateReadyEvent,
  PrivateDeclinedEvent,
  ByeEvent,
  NotificationEvent,
])
export type ServerMessage = Static<typeof ServerMessage>
export type ServerMessageType = ServerMessage['type']
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>
export type ChatMessageView = Static<typeof ChatMessageView>
export type ByeReason = Static<typeof ByeEvent>['reason']
