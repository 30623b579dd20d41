import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ErrorCode, isParleyError } from '@parley/protocol'
import { type Command, CommandError, ExitCode, UsageError } from '../command.js'
import { parseCredentials } from '../credentials-file.js'
import { quoted } from '../output.js'

interface Rejection {
  line: number
  username?: string
  reason: string
}

function describeError(error: unknown, minPassword: number): string {
  if (!isParleyError(error)) throw error
  switch (error.code) {
    case ErrorCode.UsernameTaken:
      return 'username already exists'
    case ErrorCode.UsernameConfusable:
      return `username looks like the existing account ${JSON.stringify(error.details.similarTo)}`
    case ErrorCode.PasswordTooShort:
      return `password too short (at least ${minPassword} characters; --min-password N accepts shorter ones)`
    case ErrorCode.PasswordTooLong:
      return `password too long (${error.message.toLowerCase()})`
    case ErrorCode.UsernameEmpty:
    case ErrorCode.UsernameTooLong:
    case ErrorCode.UsernameBadCharacters:
      return `bad username: ${error.message}`
    default:
      throw error
  }
}

function parseMinPassword(value: unknown): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new UsageError(`--min-password must be an integer from 1 to 1024, got ${String(value)}`)
  }
  return n
}

export const usersImport: Command = {
  path: ['users', 'import'],
  summary: "create accounts from the original chat server's credentials.txt",
  usage: `users import <credentials.txt> [--min-password N] [--skip-existing] [--dry-run]

Reads one "username password" per line (the original chat server's format) and creates an account
for each valid line. Rejected lines are reported with their line number and reason (bad username,
password too short or too long, duplicate, malformed line); passwords are never printed.

  --min-password N  accept passwords from N characters (default 8; the original servers allowed
                    shorter ones, e.g. --min-password 3). Only for this import: logins always work.
  --skip-existing   accounts that already exist are skipped, not rejected (re-running an import)
  --dry-run         check every line and report, but create nothing

Exit status: 0 all lines imported (or skipped), 1 some lines rejected, 2 usage error.`,
  options: {
    'min-password': { type: 'string' },
    'skip-existing': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const file = resolve(context.config.invokedFrom, positionals[0]!)
    const minPassword = parseMinPassword(values['min-password'])
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file))
    } catch (error) {
      const reason = error instanceof TypeError ? 'it is not valid UTF-8' : (error as Error).message
      throw new CommandError(`Cannot read ${file}: ${reason}`)
    }
    const lines = parseCredentials(text)
    const storage = await context.storage()
    const auth = context.auth(storage, minPassword === undefined ? {} : { minPasswordLength: minPassword })
    const min = auth.config.minPasswordLength
    const dryRun = values['dry-run'] === true
    const skipExisting = values['skip-existing'] === true

    const rejections: Rejection[] = []
    const candidates: { line: number; username: string; password: string }[] = []
    const firstLineOfKey = new Map<string, number>()
    for (const entry of lines) {
      if (entry.kind === 'malformed') {
        const found = `${entry.fields} field${entry.fields === 1 ? '' : 's'}`
        rejections.push({ line: entry.line, reason: `malformed line (expected "username password", found ${found})` })
        continue
      }
      try {
        const { usernameKey } = auth.normalizeUsername(entry.username)
        auth.checkPassword(entry.password)
        const first = firstLineOfKey.get(usernameKey)
        if (first !== undefined) {
          rejections.push({
            line: entry.line,
            username: entry.username,
            reason: `duplicate of line ${first} (usernames are case-insensitive)`,
          })
          continue
        }
        firstLineOfKey.set(usernameKey, entry.line)
        candidates.push(entry)
      } catch (error) {
        rejections.push({ line: entry.line, username: entry.username, reason: describeError(error, min) })
      }
    }

    let imported = 0
    let skipped = 0
    // One at a time, in file order, so account ids follow the file (argon2 makes each take ~50 ms).
    for (const entry of candidates) {
      try {
        if (await auth.userExists(entry.username)) {
          if (skipExisting) skipped++
          else rejections.push({ line: entry.line, username: entry.username, reason: 'username already exists' })
          continue
        }
        if (!dryRun) await auth.createUser(entry.username, entry.password)
        imported++
      } catch (error) {
        rejections.push({ line: entry.line, username: entry.username, reason: describeError(error, min) })
      }
    }

    rejections.sort((a, b) => a.line - b.line)
    for (const r of rejections) {
      context.term.err(
        `line ${r.line}: rejected${r.username === undefined ? '' : ` ${quoted(r.username)}`}: ${r.reason}`,
      )
    }
    const verb = dryRun ? 'Would import' : 'Imported'
    const parts = [`${verb} ${imported} of ${lines.length} account${lines.length === 1 ? '' : 's'}`]
    if (skipped > 0) parts.push(`${skipped} already existed`)
    parts.push(`${rejections.length} line${rejections.length === 1 ? '' : 's'} rejected`)
    context.term.out(`${parts.join(', ')}.`)
    return rejections.length === 0 ? ExitCode.Ok : ExitCode.Failed
  },
}
