/**
 * Environment + command line → typed, validated `ChatConfig`. Parsed once at start-up (main.ts);
 * a bad value stops start-up with a message naming the variable or flag. Defaults need no
 * configuration at all. Precedence: flag > positional argument > environment > default.
 * @module
 */
import { parseArgs } from 'node:util'
import {
  ChatConfig,
  ConfigError,
  GatewayConfig,
  gatewaySettings,
  type LoadOptions,
  loadSettings,
  variableNames,
} from '@parley/config'

export {
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_MAX_CONNECTIONS_PER_USER,
  DEFAULT_SIGN_IN_TIMEOUT_SECONDS,
  DEFAULT_USER_RATE_BURST,
  DEFAULT_USER_RATE_PER_SECOND,
  DEFAULT_WHOELSESINCE_MAX_SECONDS,
} from '@parley/config'
export { ChatConfig, ConfigError, GatewayConfig }

/** The command-line names of the fields settable there (flags, then the original positional order). */
const FLAGS = { port: '--port', host: '--host', blockDurationSeconds: '--block-duration', timeoutSeconds: '--timeout' }
const POSITIONALS = ['port', 'blockDurationSeconds', 'timeoutSeconds'] as const
const POSITIONAL_NAMES = { port: '<port>', blockDurationSeconds: '<block_duration>', timeoutSeconds: '<timeout>' }

export const USAGE = `Usage: chat-gateway [<port> [<block_duration> [<timeout>]]]
       chat-gateway [--port N] [--host NAME] [--block-duration SECONDS] [--timeout SECONDS]
Environment: ${variableNames(gatewaySettings).join(', ')}`

type CommandLine = Partial<Record<keyof typeof FLAGS, string>>
interface Sourced {
  values: CommandLine
  /** Where each command-line value came from, for error messages. */
  names: Partial<Record<keyof typeof FLAGS, string>>
  help: boolean
}

function parseCommandLine(argv: readonly string[]): Sourced {
  let parsed: ReturnType<typeof parseCommandLineStrict>
  try {
    parsed = parseCommandLineStrict(argv)
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${USAGE}`)
  }
  const { values, positionals } = parsed
  if (positionals.length > POSITIONALS.length) {
    throw new ConfigError(`Too many arguments: ${positionals.join(' ')}\n${USAGE}`)
  }
  const result: Sourced = { values: {}, names: {}, help: values.help === true }
  positionals.forEach((value, index) => {
    const field = POSITIONALS[index]!
    result.values[field] = value
    result.names[field] = POSITIONAL_NAMES[field]
  })
  for (const [field, flag] of Object.entries(FLAGS) as [keyof typeof FLAGS, string][]) {
    const value = values[flag.slice(2) as 'port' | 'host' | 'block-duration' | 'timeout']
    if (value === undefined) continue
    result.values[field] = value
    result.names[field] = flag
  }
  return result
}

function parseCommandLineStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'block-duration': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

export interface LoadConfigOptions {
  /** Default folder for `data/` and `certs/`. */
  repoRoot: string
  /** Base of relative paths in the environment; default the process's working directory. */
  cwd?: string
  /** The machine name in the default instance id. */
  hostname?: string
}

export interface LoadedConfig {
  config: ChatConfig
  /** `--help` was given: print USAGE and exit. */
  help: boolean
  /** One line per deprecated variable name in use, for the start-up log. */
  warnings: string[]
}

/**
 * Reads the gateway's settings from `env` and `argv` (the arguments after the script name). Relative
 * paths are resolved against `cwd`; unset paths default to folders of the repository root.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[], options: LoadConfigOptions): LoadedConfig {
  const cli = parseCommandLine(argv)
  const overrides: NonNullable<LoadOptions['overrides']> = {}
  for (const [field, text] of Object.entries(cli.values) as [keyof typeof FLAGS, string][]) {
    overrides[field] = { text, name: cli.names[field] ?? FLAGS[field] }
  }
  const { config, warnings } = loadSettings(gatewaySettings, env, { ...options, overrides })
  return { config, help: cli.help, warnings }
}
