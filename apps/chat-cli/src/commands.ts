/**
 * The command language of the original chat client, parsed into what the CLI should do. Pure: no
 * sockets, no terminal. Frames for the gateway come without an `id`; the client assigns one.
 * @module
 */
import { type ClientMessageOf, MAX_SEARCH_LENGTH, MAX_TEXT_LENGTH } from '@parley/protocol'

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** A request for the gateway, before the client gives it an id. */
export type GatewayCommand = WithoutId<
  ClientMessageOf<
    'message' | 'broadcast' | 'whoelse' | 'whoelsesince' | 'block' | 'unblock' | 'startprivate' | 'logout' | 'search'
  >
>

export type Command =
  | { kind: 'gateway'; frame: GatewayCommand }
  /** Sent over the peer-to-peer link, never through the gateway. */
  | { kind: 'private'; user: string; text: string }
  | { kind: 'stopprivate'; user: string }
  | { kind: 'help' }
  /** A blank line: nothing to do. */
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: 'invalid-command' | 'text-too-long' }

/** Every command word, for `help` and tab completion. */
export const COMMAND_NAMES = [
  'message',
  'broadcast',
  'whoelse',
  'whoelsesince',
  'block',
  'unblock',
  'startprivate',
  'private',
  'stopprivate',
  'search',
  'logout',
  'help',
] as const

/** Commands whose first argument is a username (tab completion offers names there). */
export const USER_ARGUMENT_COMMANDS: ReadonlySet<string> = new Set([
  'message',
  'block',
  'unblock',
  'startprivate',
  'private',
  'stopprivate',
])

export const HELP_TEXT: readonly string[] = [
  'Commands:',
  '  message <user> <text>      send a message (stored if <user> is offline)',
  '  broadcast <text>           send a message to everyone online',
  '  whoelse                    list the other users online',
  '  whoelsesince <seconds>     list the users online in the last <seconds> seconds',
  '  block <user>               stop <user> from messaging you and seeing you online',
  '  unblock <user>             undo block',
  '  startprivate <user>        ask <user> for a direct, private link',
  '  private <user> <text>      send over the private link',
  '  stopprivate <user>         end the private link',
  '  search <words>             find your own messages (sent or received) with these words',
  '  logout                     leave the chat',
  '  help                       show this list',
]

const INVALID: Command = { kind: 'invalid', reason: 'invalid-command' }
const TOO_LONG: Command = { kind: 'invalid', reason: 'text-too-long' }
const WHITESPACE = /\s+/

/** Splits off the first word: `['message', 'hans hello there']`. */
function splitWord(input: string): [string, string] {
  const match = /^(\S+)\s*(.*)$/s.exec(input)
  return match ? [match[1]!, match[2]!] : ['', '']
}

/** `<user> <text>`: the text keeps its inner spacing; both parts must be present. */
function userAndText(rest: string): { user: string; text: string } | null {
  const [user, text] = splitWord(rest)
  if (!user || text.trim() === '') return null
  return { user, text: text.trimEnd() }
}

function singleUser(rest: string): string | null {
  const words = rest.split(WHITESPACE).filter(Boolean)
  return words.length === 1 ? words[0]! : null
}

function noArguments(rest: string): boolean {
  return rest.trim() === ''
}

/** Counts code points, as the protocol's length limit does (JSON Schema maxLength). */
function textTooLong(text: string): boolean {
  return [...text].length > MAX_TEXT_LENGTH
}

export function parseCommand(line: string): Command {
  const input = line.trim()
  if (input === '') return { kind: 'empty' }
  const [word, rest] = splitWord(input)
  switch (word) {
    case 'message': {
      const parts = userAndText(rest)
      if (!parts) return INVALID
      if (textTooLong(parts.text)) return TOO_LONG
      return { kind: 'gateway', frame: { type: 'message', to: parts.user, text: parts.text } }
    }
    case 'broadcast': {
      const text = rest.trimEnd()
      if (text === '') return INVALID
      if (textTooLong(text)) return TOO_LONG
      return { kind: 'gateway', frame: { type: 'broadcast', text } }
    }
    case 'whoelse':
      return noArguments(rest) ? { kind: 'gateway', frame: { type: 'whoelse' } } : INVALID
    case 'whoelsesince': {
      const value = singleUser(rest)
      if (!value || !/^\d{1,9}$/.test(value)) return INVALID
      return { kind: 'gateway', frame: { type: 'whoelsesince', seconds: Number(value) } }
    }
    case 'block':
    case 'unblock':
    case 'startprivate': {
      const user = singleUser(rest)
      return user ? { kind: 'gateway', frame: { type: word, user } } : INVALID
    }
    case 'private': {
      const parts = userAndText(rest)
      if (!parts) return INVALID
      if (textTooLong(parts.text)) return TOO_LONG
      return { kind: 'private', user: parts.user, text: parts.text }
    }
    case 'stopprivate': {
      const user = singleUser(rest)
      return user ? { kind: 'stopprivate', user } : INVALID
    }
    case 'search': {
      const words = rest.trim()
      if (words === '') return INVALID
      if ([...words].length > MAX_SEARCH_LENGTH) return TOO_LONG
      return { kind: 'gateway', frame: { type: 'search', words } }
    }
    case 'logout':
      return noArguments(rest) ? { kind: 'gateway', frame: { type: 'logout' } } : INVALID
    case 'help':
      return noArguments(rest) ? { kind: 'help' } : INVALID
    default:
      return INVALID
  }
}

/** A y/n answer to a question, or null when the line is something else. */
export function parseYesNo(line: string): boolean | null {
  const answer = line.trim().toLowerCase()
  if (answer === 'y' || answer === 'yes') return true
  if (answer === 'n' || answer === 'no') return false
  return null
}
