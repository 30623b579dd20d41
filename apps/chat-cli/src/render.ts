/**
 * What the user sees: gateway frames, errors and private-link events mapped to the exact lines of
 * the original client (issue 5), plus plain lines for cases it did not have. Pure: no terminal.
 * Every name and text that came from another user goes through `sanitize`.
 * @module
 */
import {
  type ByeReason,
  type ClientMessage,
  describeNotification,
  ErrorCode,
  MAX_TEXT_LENGTH,
  type ServerMessage,
  type ServerMessageOf,
} from '@parley/protocol'
import { sanitize } from './sanitize.js'
import { searchLines } from './search-lines.js'

/** The view colours lines by kind (only on a terminal). */
export type LineKind = 'message' | 'private' | 'presence' | 'notice' | 'error' | 'question'

export interface Line {
  kind: LineKind
  text: string
  /** For messages: the sender's (sanitised) name at the start of `text`, so the view can highlight it. */
  sender?: string
}

export const Lines = {
  welcome: 'Welcome to the greatest messaging application ever!',
  invalidPassword: 'Invalid Password. Please try again',
  nowLocked: 'Invalid Password. Your account has been blocked. Please try again later',
  locked: 'Your account is blocked due to multiple login failures. Please try again later',
  suspended: 'Your account has been suspended',
  alreadyOnline: 'This account is already logged in elsewhere',
  invalidCommand: 'Error. Invalid command',
  invalidUser: 'Error. Invalid user',
  textTooLong: `Error. Message too long (at most ${MAX_TEXT_LENGTH} characters)`,
  blockedByRecipient: 'Your message could not be delivered as the recipient has blocked you',
  broadcastSkipped: 'Your message could not be delivered to some recipients',
  cannotBlockSelf: 'Error. Cannot block self',
  rateLimited: 'Error. Too many commands, please slow down',
  sessionExpired: 'Your session has ended. Please log in again',
  connectionLost: 'Connection to the server lost. Reconnecting...',
  reconnected: 'Reconnected',
  newUserPassword: 'This is a new user. Enter a password: ',
  usersTruncated: 'Not everyone is listed: more users match than the server sends in one answer',
} as const

const error = (text: string): Line => ({ kind: 'error', text })
const notice = (text: string): Line => ({ kind: 'notice', text })

function chatLine(kind: 'message' | 'private', from: string, text: string): Line {
  const sender = kind === 'private' ? `${sanitize(from)}(private)` : sanitize(from)
  return { kind, sender, text: `${sender}: ${sanitize(text)}` }
}

/** Errors of login/resume; the CLI decides separately whether to ask again or give up. */
export function loginErrorLine(code: string, message: string): string {
  switch (code) {
    case ErrorCode.InvalidCredentials:
      return Lines.invalidPassword
    case ErrorCode.NowLocked:
      return Lines.nowLocked
    case ErrorCode.Locked:
      return Lines.locked
    case ErrorCode.Suspended:
      return Lines.suspended
    case ErrorCode.AlreadyOnline:
      return Lines.alreadyOnline
    case ErrorCode.Unauthorized:
      return Lines.sessionExpired
    case ErrorCode.RateLimited:
      return Lines.rateLimited
    default:
      return `Error. ${sanitize(message)}`
  }
}

function targetOf(request: ClientMessage | undefined): string | undefined {
  if (!request) return undefined
  if ('user' in request) return request.user
  if ('to' in request) return request.to
  return undefined
}

function selfTargetLine(request: ClientMessage | undefined): string {
  switch (request?.type) {
    case 'block':
      return Lines.cannotBlockSelf
    case 'unblock':
      return 'Error. Cannot unblock self'
    case 'message':
      return 'Error. Cannot send a message to self'
    case 'startprivate':
      return 'Error. Cannot start private messaging with self'
    default:
      return 'Error. Cannot do that to self'
  }
}

/** An `error` frame, read in the light of the request it answers (when there is one). */
export function errorLines(reply: ServerMessageOf<'error'>, request?: ClientMessage): Line[] {
  const user = sanitize(reply.user ?? targetOf(request) ?? '')
  switch (reply.code) {
    case ErrorCode.UnknownUser:
      return [error(Lines.invalidUser)]
    case ErrorCode.SelfTarget:
      return [error(selfTargetLine(request))]
    case ErrorCode.BlockedByRecipient:
      return [error(Lines.blockedByRecipient)]
    case ErrorCode.NotBlocked:
      return [error(`Error. ${user} was not blocked`)]
    case ErrorCode.PrivateNotEnabled:
      // Answering a request that expired names nobody.
      return [error(user ? privateNotEnabledLine(user) : 'Error. That private messaging request is no longer valid')]
    case ErrorCode.InvalidCommand:
      // The gateway's own words say what was wrong (e.g. how far back whoelsesince can look).
      return [error(request?.type === 'whoelsesince' ? `Error. ${sanitize(reply.message)}` : Lines.invalidCommand)]
    default:
      return [error(loginErrorLine(reply.code, reply.message))]
  }
}

/** The gateway's answer to one of this user's commands. */
export function replyLines(request: ClientMessage, reply: ServerMessage): Line[] {
  if (reply.type === 'error') return errorLines(reply, request)
  if (reply.type === 'users') {
    const lines = reply.users.map((name) => notice(sanitize(name)))
    return reply.truncated ? [...lines, notice(Lines.usersTruncated)] : lines
  }
  if (reply.type === 'search') return request.type === 'search' ? searchLines(request.words, reply) : []
  if (reply.type !== 'ack') return []
  switch (request.type) {
    case 'broadcast':
      return reply.skipped ? [error(Lines.broadcastSkipped)] : []
    case 'block':
      return [notice(`${sanitize(request.user)} is blocked`)]
    case 'unblock':
      return [notice(`${sanitize(request.user)} is unblocked`)]
    default:
      // The original stays silent when a message was sent (or stored for an offline user).
      return []
  }
}

export function byeLine(reason: ByeReason): Line {
  switch (reason) {
    case 'logout':
      return notice('You have logged out')
    case 'timeout':
      return notice('You have been logged out due to inactivity')
    case 'revoked':
      return notice('Your session was ended (signed out elsewhere or by an administrator)')
    case 'suspended':
      return notice(Lines.suspended)
    case 'replaced':
      return notice('This session was taken over by a newer connection')
    case 'shutdown':
      return notice('The server is shutting down')
  }
}

function presenceLine(user: string, state: 'online' | 'offline'): Line {
  return { kind: 'presence', text: `${sanitize(user)} logged ${state === 'online' ? 'in' : 'out'}` }
}

/** Events the gateway pushes at any time. */
export function eventLines(event: ServerMessage): Line[] {
  switch (event.type) {
    case 'message':
    case 'broadcast':
      return [chatLine('message', event.from, event.text)]
    case 'sent':
      // Sent by this user from another of their devices (chat on every device, issue 17).
      return [{ kind: 'message', sender: 'you', text: `you to ${sanitize(event.to)}: ${sanitize(event.text)}` }]
    case 'presence':
      return [presenceLine(event.user, event.state)]
    case 'presence_batch':
      return event.changes.map((change) => presenceLine(change.user, change.state))
    case 'private_request':
      return [privateQuestionLine(event.from)]
    case 'private_declined':
      return [notice(`${sanitize(event.user)} declined private messaging`)]
    case 'bye':
      return [byeLine(event.reason)]
    case 'notification':
      // `hans mentioned you on the board: <first words>` (issue 17); the words are another user's text.
      return [notice(sanitize(describeNotification(event)))]
    case 'error':
      return errorLines(event)
    default:
      return []
  }
}

export function privateQuestionLine(from: string): Line {
  return { kind: 'question', text: `${sanitize(from)} wants to start private messaging. Accept? (y/n)` }
}

export function privateNotEnabledLine(user: string): string {
  return `Error. Private messaging to ${sanitize(user)} not enabled`
}

export const PrivateLines = {
  started: (user: string): Line => notice(`Start private messaging with ${sanitize(user)}`),
  stopped: (user: string): Line => notice(`Stop private messaging with ${sanitize(user)}`),
  message: (from: string, text: string): Line => chatLine('private', from, text),
  notEnabled: (user: string): Line => error(privateNotEnabledLine(user)),
  failed: (user: string, why: string): Line =>
    error(`Error. Could not start private messaging with ${sanitize(user)}: ${sanitize(why)}`),
  declinedByMe: (user: string): Line => notice(`Declined private messaging with ${sanitize(user)}`),
}
