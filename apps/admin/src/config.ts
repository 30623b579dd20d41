/**
 * `pnpm parley`'s settings: the database and the password rule, read by @parley/config's loader
 * from the same variables (and with the same checks) as the board and the gateway.
 * @module
 */
import { resolve } from 'node:path'
import { adminSettings, ConfigError, findRepoRoot, loadSettings } from '@parley/config'

export { ConfigError }

export interface AdminConfig {
  /** SQLite file, absolute. */
  databasePath: string
  /** 'postgres://…' selects PostgreSQL instead of the SQLite file. */
  databaseUrl: string | undefined
  /** PostgreSQL schema (DATABASE_SCHEMA), as the board and the gateway use it; undefined = search_path. */
  databaseSchema: string | undefined
  /** MIN_PASSWORD_LENGTH, as the servers read it (8 when unset); `--min-password` overrides it for an import. */
  minPasswordLength: number
  /** Where the user typed the command: relative file arguments resolve against it. */
  invokedFrom: string
  repoRoot: string
}

/**
 * `pnpm parley …` runs this app with the working directory apps/admin; pnpm passes the directory
 * the command was typed in as INIT_CWD. The default database is the repository's data/parley.db,
 * the same file the board and the gateway use, wherever the command is typed (a relative
 * DATABASE_PATH is taken from where it was typed). Throws ConfigError for a bad value.
 */
export function loadAdminConfig(env: NodeJS.ProcessEnv, cwd: string, moduleDir: string): AdminConfig {
  const invokedFrom = resolve(env.INIT_CWD || cwd)
  const repoRoot = findRepoRoot(moduleDir) ?? findRepoRoot(invokedFrom) ?? invokedFrom
  const { config } = loadSettings(adminSettings, env, { repoRoot, cwd: invokedFrom })
  return {
    databasePath: config.databasePath,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    minPasswordLength: config.minPasswordLength,
    invokedFrom,
    repoRoot,
  }
}
