import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

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

/** The nearest folder at or above `start` holding pnpm-workspace.yaml. */
export function findRepoRoot(start: string): string | null {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/** The same rule as the servers' config (and @parley/storage): a plain lower-case identifier. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/
const DEFAULT_MIN_PASSWORD_LENGTH = 8

/** Thrown for a setting the servers would also refuse; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

function readMinPasswordLength(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_MIN_PASSWORD_LENGTH
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > 1024) {
    throw new ConfigError(`MIN_PASSWORD_LENGTH must be a whole number from 1 to 1024 (got ${JSON.stringify(raw)})`)
  }
  return value
}

function readSchema(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!SCHEMA_PATTERN.test(raw)) {
    throw new ConfigError(`DATABASE_SCHEMA must match ${SCHEMA_PATTERN} (got ${JSON.stringify(raw)})`)
  }
  return raw
}

/**
 * `pnpm parley …` runs this app with the working directory apps/admin; pnpm passes the directory
 * the command was typed in as INIT_CWD. The default database is the repository's data/parley.db,
 * the same file the board and the gateway use, wherever the command is typed. DATABASE_SCHEMA and
 * MIN_PASSWORD_LENGTH are read as the servers read them, so `db migrate` works on their schema and
 * a reset password obeys their rule. Throws ConfigError for a bad value.
 */
export function loadAdminConfig(env: NodeJS.ProcessEnv, cwd: string, moduleDir: string): AdminConfig {
  const invokedFrom = resolve(env.INIT_CWD || cwd)
  const repoRoot = findRepoRoot(moduleDir) ?? findRepoRoot(invokedFrom) ?? invokedFrom
  const databasePath = env.DATABASE_PATH ? resolve(invokedFrom, env.DATABASE_PATH) : join(repoRoot, 'data', 'parley.db')
  return {
    databasePath,
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: readSchema(env.DATABASE_SCHEMA),
    minPasswordLength: readMinPasswordLength(env.MIN_PASSWORD_LENGTH),
    invokedFrom,
    repoRoot,
  }
}
