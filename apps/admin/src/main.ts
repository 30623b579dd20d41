/**
 * `pnpm parley <command>`: the Parley admin command. The only file that reads the environment and
 * the process arguments and sets the exit status.
 */
import { createAuth } from '@parley/auth'
import { openStorage } from '@parley/storage'
import { runCli } from './cli.js'
import { type Context, ExitCode } from './command.js'
import { type AdminConfig, ConfigError, loadAdminConfig } from './config.js'
import { processTerminal } from './terminal.js'

function run(config: AdminConfig): Promise<number> {
  const context: Context = {
    config,
    term: processTerminal,
    now: Date.now,
    storage: () =>
      openStorage({ databaseUrl: config.databaseUrl, sqlitePath: config.databasePath, schema: config.databaseSchema }),
    // A command's own setting (`users import --min-password`) wins over MIN_PASSWORD_LENGTH.
    auth: (storage, authConfig) =>
      createAuth({ storage, config: { minPasswordLength: config.minPasswordLength, ...authConfig } }),
  }
  return runCli(process.argv.slice(2), context)
}

let config: AdminConfig | null = null
try {
  config = loadAdminConfig(process.env, process.cwd(), import.meta.dirname)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  processTerminal.err(`parley: ${error.message}`)
  process.exitCode = ExitCode.Usage
}
if (config) process.exitCode = await run(config)
