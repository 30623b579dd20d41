/**
 * The protocol constants the client needs at run time. `@parley/protocol` is only imported for its
 * TYPES (it validates with TypeBox, which a page should not have to load): each value here is
 * checked against the protocol's at compile time, so they cannot drift apart.
 * @module
 */
import type {
  ErrorCode as ProtocolErrorCode,
  SUBPROTOCOL as ProtocolSubprotocol,
  PROTOCOL_VERSION as ProtocolVersion,
} from '@parley/protocol'

/** The WebSocket subprotocol the client offers; the gateway selects it or refuses the upgrade. */
export const SUBPROTOCOL: typeof ProtocolSubprotocol = 'parley.v1'
export const PROTOCOL_VERSION: typeof ProtocolVersion = 1

/** The error codes the client and the page act on (the rest are only shown). */
export const ErrorCode = {
  Unauthorized: 'AUTH_UNAUTHORIZED',
  Suspended: 'AUTH_SUSPENDED',
  RateLimited: 'RATE_LIMITED',
  AlreadyOnline: 'CHAT_ALREADY_ONLINE',
  UnknownUser: 'CHAT_UNKNOWN_USER',
  SelfTarget: 'CHAT_SELF_TARGET',
  BlockedByRecipient: 'CHAT_BLOCKED_BY_RECIPIENT',
  NotBlocked: 'CHAT_NOT_BLOCKED',
  StorageUnavailable: 'STORAGE_UNAVAILABLE',
} as const satisfies Partial<typeof ProtocolErrorCode>
export type ErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode]

/** WebSocket close codes after which reconnecting would only repeat the same refusal. */
export const POLICY_CLOSE_CODES: ReadonlySet<number> = new Set([1003, 1007, 1008, 1009])
/** The gateway's own close codes (4000–4999) end the session too: timeout, revoked, suspended, replaced. */
export function isPolicyClose(code: number): boolean {
  return POLICY_CLOSE_CODES.has(code) || (code >= 4000 && code < 5000)
}
/** The gateway closes a connection that has not signed in within its window (someone slow to type). */
export const SIGN_IN_TIMEOUT_CLOSE = 4004
