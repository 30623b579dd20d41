/**
 * ParleyError code → HTTP status: the board's one mapping from the shared error catalogue to its transport.
 * @module
 */
import { ErrorCode } from '@parley/protocol'

// Exhaustive: a code added to the catalogue fails to compile here until it has a status (instead of becoming a 500).
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UsernameTaken]: 409,
  [ErrorCode.UsernameConfusable]: 409,
  [ErrorCode.UsernameEmpty]: 400,
  [ErrorCode.UsernameTooLong]: 400,
  [ErrorCode.UsernameBadCharacters]: 400,
  [ErrorCode.PasswordTooShort]: 400,
  [ErrorCode.PasswordTooLong]: 400,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.NowLocked]: 429,
  [ErrorCode.Locked]: 429,
  [ErrorCode.Suspended]: 403,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.BadMessage]: 400,
  [ErrorCode.UnsupportedVersion]: 400,
  [ErrorCode.InvalidCommand]: 400,
  [ErrorCode.UnknownUser]: 404,
  [ErrorCode.SelfTarget]: 400,
  [ErrorCode.BlockedByRecipient]: 403,
  [ErrorCode.NotBlocked]: 400,
  [ErrorCode.AlreadyOnline]: 409,
  [ErrorCode.PrivateNotEnabled]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.CsrfRejected]: 403,
  [ErrorCode.MediaTooLarge]: 413,
  [ErrorCode.MediaQuotaExceeded]: 413,
  [ErrorCode.MediaNoSpace]: 507,
  [ErrorCode.MediaBadType]: 415,
  [ErrorCode.StorageUnavailable]: 503,
  [ErrorCode.Internal]: 500,
}

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code]
}
