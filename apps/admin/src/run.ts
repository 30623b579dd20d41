/**
 * One admin command line from start to exit status, given what a process would give it: the
 * arguments, the environment, the working directory and a terminal. main.ts passes the real ones;
 * the tests pass a fake terminal and run every command in-process.
 * @module
 */
import { createAuth } from '@parley/auth'
import { authOptions, storageOptions } from '@parley/config'
import { openStorage } from '@parley/storage'
import { runCli } from './cli.js'
import { type Context, ExitCode, type Terminal } from './command.js'
import { type AdminConfig, ConfigError, loadAdminConfig } from './config.js'

export interface AdminInvocation {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  cwd: string
  term: Terminal
  now?: () => number
}

/** The commands' context for a loaded configuration. */
export function createContext(config: AdminConfig, term: Terminal, now: () => number = Date.now): Context {
  return {
    config,
    term,
    now,
    storage: () => openStorage(storageOptions(config)),
    // A command's own setting (`users import --min-password`) wins over MIN_PASSWORD_LENGTH.
    auth: (storage, authConfig) => createAuth({ storage, config: { ...authOptions(config), ...authConfig } }),
  }
}

/** Reads the configuration, runs the command and returns the exit status (a bad setting: 2, named on stderr). */
export async function runAdminCommand({ argv, env, cwd, term, now }: AdminInvocation): Promise<number> {
  let config: AdminConfig
  try {
    config = loadAdminConfig(env, cwd, import.meta.dirname)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    term.err(`parley: ${error.message}`)
    return ExitCode.Usage
  }
  return runCli(argv, createContext(config, term, now))
}
