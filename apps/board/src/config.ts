/**
 * Environment → typed, validated `BoardConfig`, by @parley/config's one loader (the settings and
 * their variables live there, with the shared concerns). Parsed once at start-up (main.ts); every bad
 * value is named in one message. Defaults need no configuration at all.
 * @module
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findRepoRoot } from '@parley/certs'
import { BoardConfig, boardSettings, ConfigError, loadSettings } from '@parley/config'

export { BoardConfig, ConfigError }

/** The repository root (the folder with pnpm-workspace.yaml) above this module, for default paths. */
export function defaultRepoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const root = findRepoRoot(here)
  if (!root)
    throw new ConfigError(`Cannot find pnpm-workspace.yaml above ${here}: set DATABASE_PATH, CERTS_DIR and MEDIA_DIR`)
  return root
}

export interface LoadConfigOptions {
  repoRoot?: string
  /** Base of relative paths; default the process's working directory. */
  cwd?: string
  /** Gets one line per deprecated variable name in use (main.ts logs them at start-up). */
  onWarning?: (message: string) => void
}

/**
 * Reads the board's settings from `env`. Relative paths are resolved against `cwd` (default: the
 * process's); unset paths default to folders of the repository root.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): BoardConfig {
  const { config, warnings } = loadSettings(boardSettings, env, {
    repoRoot: options.repoRoot ?? defaultRepoRoot(),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })
  for (const warning of warnings) options.onWarning?.(warning)
  return config
}
