/**
 * Helpers for HTML forms: reading a field of an unvalidated body, and turning an auth ParleyError
 * into the message shown next to the field it concerns.
 * @module
 */
import { ErrorCode, type ParleyError } from '@parley/protocol'
import { Type } from 'typebox'
import { formatTime } from '../http/present.js'

/** The body of a form whose only field is its CSRF token (sign out, delete). */
export const CsrfOnlyBody = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 256 })) })

export interface FieldErrors {
  username?: string
  password?: string
  body?: string
  file?: string
  /** The current password (change password, delete account). */
  current?: string
  /** The repeated new password. */
  confirm?: string
  /** A moderation or report reason. */
  reason?: string
  /** The media file shown in a post, and its description. */
  attachment?: string
  alt?: string
  /** About the whole form (wrong credentials, blocked account, …). */
  form?: string
}

/** A string field of a parsed body, '' when absent or not a string (the body may have failed validation). */
export function field(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}

/** Browsers send textarea newlines as CRLF; store and count them as one LF character. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

const USERNAME_CODES: ReadonlySet<string> = new Set([
  ErrorCode.UsernameTaken,
  ErrorCode.UsernameConfusable,
  ErrorCode.UsernameEmpty,
  ErrorCode.UsernameTooLong,
  ErrorCode.UsernameBadCharacters,
])
const PASSWORD_CODES: ReadonlySet<string> = new Set([ErrorCode.PasswordTooShort, ErrorCode.PasswordTooLong])
const LOCK_CODES: ReadonlySet<string> = new Set([ErrorCode.Locked, ErrorCode.NowLocked])

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

/** What a suspended user is told at sign-in: until when, or that it is for good. */
export function suspendedMessage(error: ParleyError): string {
  const until = error.details.until
  if (error.details.permanent === true || typeof until !== 'number') {
    return 'This account has been suspended by a moderator.'
  }
  return `This account is suspended by a moderator until ${formatTime(until)}.`
}

/** Where an auth error is shown, and with which words. */
export function authFieldError(error: ParleyError): FieldErrors {
  if (error.code === ErrorCode.Suspended) return { form: suspendedMessage(error) }
  if (USERNAME_CODES.has(error.code)) return { username: error.message }
  if (PASSWORD_CODES.has(error.code)) return { password: error.message }
  if (LOCK_CODES.has(error.code)) {
    const retryAfterMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0
    const prefix =
      error.code === ErrorCode.NowLocked
        ? 'Wrong username or password. This account is now blocked after too many failed sign-ins'
        : 'This account is blocked after too many failed sign-ins'
    return { form: `${prefix}: try again in ${seconds(retryAfterMs)} s.` }
  }
  return { form: error.message }
}
