/**
 * The one catalogue of error codes shared by the board, the gateway and the clients. Clients branch
 * on `code`, never on `message`; each transport maps codes to its own statuses at its edge.
 * @module
 */

export const ErrorCode = {
  // Accounts and sign-in (@parley/auth)
  UsernameTaken: 'AUTH_USERNAME_TAKEN',
  UsernameEmpty: 'AUTH_USERNAME_EMPTY',
  UsernameTooLong: 'AUTH_USERNAME_TOO_LONG',
  UsernameBadCharacters: 'AUTH_USERNAME_BAD_CHARACTERS',
  /** The name looks like an existing account's (same Unicode TS #39 skeleton); `details.similarTo` names it. */
  UsernameConfusable: 'AUTH_USERNAME_CONFUSABLE',
  PasswordTooShort: 'AUTH_PASSWORD_TOO_SHORT',
  PasswordTooLong: 'AUTH_PASSWORD_TOO_LONG',
  /** Wrong username or password. */
  InvalidCredentials: 'AUTH_INVALID_CREDENTIALS',
  /** Wrong password, and this failure locked the account. */
  NowLocked: 'AUTH_NOW_LOCKED',
  /** The account is locked after repeated failures; `retryAfterMs` says for how long. */
  Locked: 'AUTH_LOCKED',
  Suspended: 'AUTH_SUSPENDED',
  /** No valid session (missing, expired, revoked). */
  Unauthorized: 'AUTH_UNAUTHORIZED',
  Forbidden: 'AUTH_FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  // Wire protocol
  BadMessage: 'PROTO_BAD_MESSAGE',
  UnsupportedVersion: 'PROTO_UNSUPPORTED_VERSION',
  // Chat semantics
  InvalidCommand: 'CHAT_INVALID_COMMAND',
  UnknownUser: 'CHAT_UNKNOWN_USER',
  SelfTarget: 'CHAT_SELF_TARGET',
  BlockedByRecipient: 'CHAT_BLOCKED_BY_RECIPIENT',
  NotBlocked: 'CHAT_NOT_BLOCKED',
  AlreadyOnline: 'CHAT_ALREADY_ONLINE',
  PrivateNotEnabled: 'CHAT_PRIVATE_NOT_ENABLED',
  // Board
  NotFound: 'BOARD_NOT_FOUND',
  CsrfRejected: 'BOARD_CSRF_REJECTED',
  MediaTooLarge: 'MEDIA_TOO_LARGE',
  MediaBadType: 'MEDIA_BAD_TYPE',
  /** The upload would take the user past their storage quota; `details.quotaBytes`, `details.usedBytes`. */
  MediaQuotaExceeded: 'MEDIA_QUOTA_EXCEEDED',
  /** The server keeps its free-space reserve: no uploads until space is freed. */
  MediaNoSpace: 'MEDIA_NO_SPACE',
  // Infrastructure
  StorageUnavailable: 'STORAGE_UNAVAILABLE',
  Internal: 'INTERNAL',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** An error with a stable code. `details` carries machine-readable extras such as `retryAfterMs`. */
export class ParleyError extends Error {
  readonly code: ErrorCode
  readonly details: Readonly<Record<string, unknown>>
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ParleyError'
    this.code = code
    this.details = details
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError
}
