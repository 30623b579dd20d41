import { parseArgs } from 'node:util'
import { StorageError } from '@parley/storage'
import { type Command, CommandError, type Context, ExitCode, UsageError } from './command.js'
import { commands } from './commands/index.js'
import { table } from './output.js'

const PROGRAM = 'pnpm parley'

function overview(): string {
  const rows = commands.map((c) => [`  ${c.path.join(' ')}`, c.summary])
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Administers the Parley accounts and database (the one the board and the chat use).',
    '',
    'Commands:',
    ...table(rows),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    '',
    'Environment:',
    '  DATABASE_PATH        SQLite file (default: data/parley.db in the repository)',
    '  DATABASE_URL         postgres://… selects PostgreSQL instead',
    "  DATABASE_SCHEMA      PostgreSQL schema (default: the server's search_path), as the servers use it",
    '  MIN_PASSWORD_LENGTH  minimum length of a new password (default 8), as the servers use it',
    '',
    'Exit status: 0 success, 1 failure (reported on stderr), 2 usage error.',
  ].join('\n')
}

function groupHelp(group: string): string {
  const rows = commands.filter((c) => c.path[0] === group).map((c) => [`  ${c.path.join(' ')}`, c.summary])
  return [`Usage: ${PROGRAM} ${group} <command> [options]`, '', 'Commands:', ...table(rows)].join('\n')
}

function commandHelp(command: Command): string {
  return `Usage: ${PROGRAM} ${command.usage}`
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help'

/** Runs one admin command line and returns its exit status; opened storage is closed before returning. */
export async function runCli(argv: readonly string[], context: Context): Promise<number> {
  const { term } = context
  const [group, name, ...rest] = argv
  if (group === undefined) {
    term.err(overview())
    return ExitCode.Usage
  }
  if (isHelp(group)) {
    term.out(overview())
    return ExitCode.Ok
  }
  if (!commands.some((c) => c.path[0] === group)) {
    term.err(`Unknown command "${group}".\n\n${overview()}`)
    return ExitCode.Usage
  }
  if (name === undefined || isHelp(name)) {
    if (name === undefined) term.err(groupHelp(group))
    else term.out(groupHelp(group))
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  const command = commands.find((c) => c.path[0] === group && c.path[1] === name)
  if (!command) {
    term.err(`Unknown command "${group} ${name}".\n\n${groupHelp(group)}`)
    return ExitCode.Usage
  }
  return runCommand(command, rest, context)
}

async function runCommand(command: Command, args: string[], context: Context): Promise<number> {
  const { term } = context
  const opened: { close(): Promise<void> }[] = []
  const tracked: Context = {
    ...context,
    storage: async () => {
      let storage: Awaited<ReturnType<Context['storage']>>
      try {
        storage = await context.storage()
      } catch (error) {
        const where = context.config.databaseUrl ? 'the PostgreSQL database' : context.config.databasePath
        throw new CommandError(`Cannot open ${where}: ${(error as Error).message}`)
      }
      opened.push(storage)
      return storage
    },
  }
  try {
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args,
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    if (parsed.values.help) {
      term.out(commandHelp(command))
      return ExitCode.Ok
    }
    const [min, max] = command.positionals
    if (parsed.positionals.length < min) throw new UsageError('missing argument')
    if (parsed.positionals.length > max) {
      throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`)
    }
    return await command.run(tracked, { values: parsed.values, positionals: parsed.positionals })
  } catch (error) {
    if (error instanceof UsageError) {
      term.err(`${PROGRAM} ${command.path.join(' ')}: ${error.message}\n\n${commandHelp(command)}`)
      return ExitCode.Usage
    }
    if (error instanceof CommandError) {
      term.err(error.message)
      return ExitCode.Failed
    }
    if (error instanceof StorageError) {
      term.err(`Database error (${error.code}): ${error.message}`)
      return ExitCode.Failed
    }
    term.err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return ExitCode.Failed
  } finally {
    for (const storage of opened) await storage.close()
  }
}
