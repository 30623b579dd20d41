/**
 * `pnpm parley <command>`: the Parley admin command. The only file that reads the environment and
 * the process arguments and sets the exit status.
 */
import { createAuth } from '@parley/auth'
import { openStorage } from '@parley/storage'
import { runCli } from './cli.js'
import type { Context } from './command.js'
import { loadAdminConfig } from './config.js'
import { processTerminal } from './terminal.js'

const config = loadAdminConfig(process.env, process.cwd(), import.meta.dirname)

const context: Context = {
  config,
  term: processTerminal,
  now: Date.now,
  storage: () => openStorage({ databaseUrl: config.databaseUrl, sqlitePath: config.databasePath }),
  auth: (storage, authConfig) => createAuth({ storage, config: authConfig }),
}

process.exitCode = await runCli(process.argv.slice(2), context)
