import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export interface AdminConfig {
  /** SQLite file, absolute. */
  databasePath: string
  /** 'postgres://…' selects PostgreSQL instead of the SQLite file. */
  databaseUrl: string | undefined
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

/**
 * `pnpm parley …` runs this app with the working directory apps/admin; pnpm passes the directory
 * the command was typed in as INIT_CWD. The default database is the repository's data/parley.db,
 * the same file the board and the gateway use, wherever the command is typed.
 */
export function loadAdminConfig(env: NodeJS.ProcessEnv, cwd: string, moduleDir: string): AdminConfig {
  const invokedFrom = resolve(env.INIT_CWD || cwd)
  const repoRoot = findRepoRoot(moduleDir) ?? findRepoRoot(invokedFrom) ?? invokedFrom
  const databasePath = env.DATABASE_PATH ? resolve(invokedFrom, env.DATABASE_PATH) : join(repoRoot, 'data', 'parley.db')
  return { databasePath, databaseUrl: env.DATABASE_URL || undefined, invokedFrom, repoRoot }
}
