/**
 * Frames a client sends to the gateway. Every request carries an `id`; the gateway's reply names it
 * in `replyTo`. Unknown properties are refused so typos fail loudly.
 * @module
 */
import { type Static, type TObject, type TProperties, Type } from 'typebox'
import { ClientId, MAX_WHOELSE_PAGE, MessageId, Password, PROTOCOL_VERSION, Text, Username } from './fields.js'
import { SearchRequest } from './search.js'

function frame<T extends TProperties>(properties: T): TObject<T> {
  return Type.Object(properties, { additionalProperties: false })
}

/** Does this account exist (decides the CLI's password prompt)? Allowed before login. */
export const LookupRequest = frame({ type: Type.Literal('lookup'), id: ClientId, username: Username })
/** Log in with a password; `create: true` makes the account when it does not exist yet. */
export const LoginRequest = frame({
  type: Type.Literal('login'),
  id: ClientId,
  v: Type.Literal(PROTOCOL_VERSION),
  username: Username,
  password: Password,
  create: Type.Optional(Type.Boolean()),
})
/** Continue a session: with the token from an earlier `welcome`, or (browsers) the board's cookie. */
export const ResumeRequest = frame({
  type: Type.Literal('resume'),
  id: ClientId,
  v: Type.Literal(PROTOCOL_VERSION),
  token: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
})
/**
 * Other users online now, ordered by name. With `limit`, one page of at most `limit` names after the
 * name `after` (exclusive); the reply's `next` says where the following page starts.
 */
export const WhoElseRequest = frame({
  type: Type.Literal('whoelse'),
  id: ClientId,
  after: Type.Optional(Username),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WHOELSE_PAGE })),
})
export const WhoElseSinceRequest = frame({
  type: Type.Literal('whoelsesince'),
  id: ClientId,
  seconds: Type.Integer({ minimum: 0, maximum: 10 * 365 * 24 * 3600 }),
})
/** A message to one user; `id` is its deduplication key, so a resend after a reconnect is stored once. */
export const SendMessageRequest = frame({ type: Type.Literal('message'), id: ClientId, to: Username, text: Text })
export const BroadcastRequest = frame({ type: Type.Literal('broadcast'), id: ClientId, text: Text })
export const BlockRequest = frame({ type: Type.Literal('block'), id: ClientId, user: Username })
export const UnblockRequest = frame({ type: Type.Literal('unblock'), id: ClientId, user: Username })
/** The client has shown these messages: they leave the offline queue. Not a user command (no inactivity reset). */
export const ReceivedRequest = frame({
  type: Type.Literal('received'),
  ids: Type.Array(MessageId, { minItems: 1, maxItems: 500 }),
})
/** Conversation history with one user, newest first (browser panel). */
export const HistoryRequest = frame({
  type: Type.Literal('history'),
  id: ClientId,
  with: Username,
  before: Type.Optional(MessageId),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
})
/** Ask `user` for a direct (peer-to-peer) link. */
export const StartPrivateRequest = frame({ type: Type.Literal('startprivate'), id: ClientId, user: Username })
/**
 * Answer a `private_request`. On acceptance the answering client already listens for the link (TLS,
 * throwaway certificate) and gives its port, host candidates and certificate fingerprint.
 */
export const PrivateAnswerRequest = frame({
  type: Type.Literal('private_answer'),
  id: ClientId,
  requestId: ClientId,
  accept: Type.Boolean(),
  endpoint: Type.Optional(
    frame({
      port: Type.Integer({ minimum: 1, maximum: 65535 }),
      hosts: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 8 }),
      fingerprint: Type.String({ pattern: '^[0-9A-F]{2}(:[0-9A-F]{2}){31}$' }),
    }),
  ),
})
export const LogoutRequest = frame({ type: Type.Literal('logout'), id: ClientId })

export const ClientMessage = Type.Union([
  LookupRequest,
  LoginRequest,
  ResumeRequest,
  WhoElseRequest,
  WhoElseSinceRequest,
  SendMessageRequest,
  BroadcastRequest,
  BlockRequest,
  UnblockRequest,
  ReceivedRequest,
  HistoryRequest,
  SearchRequest,
  StartPrivateRequest,
  PrivateAnswerRequest,
  LogoutRequest,
])
export type ClientMessage = Static<typeof ClientMessage>
export type ClientMessageType = ClientMessage['type']
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>
export type LoginRequest = Static<typeof LoginRequest>
export type PrivateEndpoint = NonNullable<Static<typeof PrivateAnswerRequest>['endpoint']>
