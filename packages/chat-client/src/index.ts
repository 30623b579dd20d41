/**
 * `@parley/chat-client`: the chat client's state machine, shared by the terminal client (Node, `ws`)
 * and the board's browser chat (served as compiled ES modules). No runtime dependencies: the
 * protocol package is imported for its types only.
 * @module
 */
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js'
export {
  ChatClient,
  type ChatClientOptions,
  DEFAULT_DURABLE,
  DEFAULT_REPEATABLE,
  type RequestHandle,
} from './client.js'
export { ErrorCode, isPolicyClose, PROTOCOL_VERSION, SUBPROTOCOL } from './constants.js'
// Every type of the client's events and requests (events.ts holds types only).
export type * from './events.js'
export { type Decode, encodeFrame, parseFrame } from './frames.js'
export { newClientId } from './ids.js'
export {
  type Connect,
  ConnectionError,
  type Transport,
  type TransportEvents,
  type WebSocketConstructor,
  type WebSocketLike,
  webSocketConnect,
} from './transport.js'
