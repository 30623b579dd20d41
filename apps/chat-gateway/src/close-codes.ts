/**
 * WebSocket close codes the gateway uses. 1000–1011 are RFC 6455's; 4000–4999 are private-use codes,
 * one per `bye` reason, so a client that missed the `bye` frame still knows why it was closed.
 * @module
 */
import type { ByeReason } from '@parley/protocol'

export const CloseCode = {
  /** `logout`: the user asked to leave. */
  Normal: 1000,
  /** `shutdown`: the gateway is stopping (graceful restart). */
  GoingAway: 1001,
  /** A binary frame: the protocol is JSON text only. */
  UnsupportedData: 1003,
  /** Invalid UTF-8 in a text frame (sent by `ws` itself). */
  InvalidPayload: 1007,
  /** Repeated malformed frames, or sending on after being rate limited. */
  PolicyViolation: 1008,
  /** A frame over the 64 KiB limit (sent by `ws` itself). */
  MessageTooBig: 1009,
  /** An unexpected server error left the connection in an unknown state. */
  InternalError: 1011,
  /** `timeout`: no user command for the configured number of seconds. */
  Timeout: 4000,
  /** `revoked`: the session ended elsewhere (board logout, password change, expiry). */
  Revoked: 4001,
  /** `suspended`: an administrator suspended the account. */
  Suspended: 4002,
  /** `replaced`: a newer connection resumed the same session. Do not reconnect. */
  Replaced: 4003,
  /** The connection did not sign in within the pre-sign-in window (`CHAT_SIGN_IN_TIMEOUT_SECONDS`). */
  SignInTimeout: 4004,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

const BYE_CLOSE_CODES: Record<ByeReason, CloseCode> = {
  logout: CloseCode.Normal,
  shutdown: CloseCode.GoingAway,
  timeout: CloseCode.Timeout,
  revoked: CloseCode.Revoked,
  suspended: CloseCode.Suspended,
  replaced: CloseCode.Replaced,
}

export function closeCodeFor(reason: ByeReason): CloseCode {
  return BYE_CLOSE_CODES[reason]
}

/** The human text of each `bye`; clients may show it as is. */
export function byeMessage(reason: ByeReason, timeoutSeconds: number): string {
  switch (reason) {
    case 'logout':
      return 'Goodbye'
    case 'shutdown':
      return 'The chat server is restarting. Please reconnect in a moment'
    case 'timeout':
      return `You were logged out after ${timeoutSeconds} seconds of inactivity`
    case 'revoked':
      return 'Your session has ended (logged out elsewhere, password changed or expired). Please log in again'
    case 'suspended':
      return 'Your account is suspended'
    case 'replaced':
      return 'This connection was replaced by a newer one of the same session'
  }
}
