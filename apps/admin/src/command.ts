import type { ParseArgsConfig } from 'node:util'
import type { Auth, AuthConfig } from '@parley/auth'
import type { Storage } from '@parley/storage'
import type { AdminConfig } from './config.js'

/** Exit codes scripts can rely on. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** Wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** An expected failure (no such user, unreadable file): printed as is, exit code 1. */
export class CommandError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CommandError'
  }
}

export interface Terminal {
  out(line: string): void
  err(line: string): void
  /** All of standard input as text (for --password-stdin). */
  readStdin(): Promise<string>
  /** Asks for a secret on the terminal without echoing it; null when stdin is not a terminal. */
  promptSecret(question: string): Promise<string | null>
}

export interface Context {
  config: AdminConfig
  term: Terminal
  now(): number
  /** Opens (and migrates) the configured database; the runner closes it afterwards. */
  storage(): Promise<Storage>
  auth(storage: Storage, config?: Partial<AuthConfig>): Auth
}

type Options = NonNullable<ParseArgsConfig['options']>

/** One admin command; each lives in its own file under commands/. */
export interface Command {
  /** e.g. ['users', 'import'] */
  path: readonly [string, string]
  summary: string
  /** Shown by --help after "Usage: pnpm parley <path>". */
  usage: string
  options: Options
  /** Positionals the command accepts: [min, max]. */
  positionals: readonly [number, number]
  run(
    context: Context,
    args: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] },
  ): Promise<number>
}
