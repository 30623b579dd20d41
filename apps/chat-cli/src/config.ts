/**
 * Command line and environment → a checked configuration, once, at the edge.
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { findRepoRoot } from '@parley/certs'
import { defaultBindHost } from './private/endpoint.js'

export const DEFAULT_HOST = 'localhost'
export const DEFAULT_PORT = 8182

export const USAGE = `Usage: pnpm --filter chat-cli start [-- [options] [<host> <port>]]

Terminal client of the Parley chat. Connects to wss://localhost:8182 and trusts the repository's
certs/ca.pem unless told otherwise.

  <host> <port>           the gateway's host and port (as in the original client)
  --server <wss-url>      the gateway's URL, e.g. wss://chat.example.org:8182/
  --ca <file>             CA certificate (PEM) to trust for the gateway; default: certs/ca.pem of
                          the repository, or the system's trusted CAs outside the repository
  --private-host <addr>   address to listen on for private links (default: 127.0.0.1 when the
                          gateway is on this machine, else 0.0.0.0)
  --no-color              no colours (also when NO_COLOR is set or output is not a terminal)
  -h, --help              show this help

Type "help" after logging in for the list of chat commands.`

export interface CliConfig {
  /** The gateway's WebSocket URL (wss:). */
  url: string
  /** PEM file to trust, or null for Node's default CA list. */
  caPath: string | null
  privateBindHost: string
  colour: boolean
}

export type CliArgs = { kind: 'help' } | { kind: 'run'; config: CliConfig }

/** Bad command line: main prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface CliEnvironment {
  /** The process's working directory (pnpm runs scripts in the package folder). */
  cwd: string
  /** NO_COLOR and INIT_CWD (where the user typed the pnpm command) are read. */
  env: Readonly<Record<string, string | undefined>>
  stdoutIsTTY: boolean
}

function urlFromHostPort(host: string, portText: string): string {
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UsageError(`Invalid port '${portText}': expected a number from 1 to 65535`)
  }
  if (host === '' || /[/\s@?#]/.test(host)) throw new UsageError(`Invalid host '${host}'`)
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `wss://${bracketed}:${portText}/`
}

function checkServerUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`Invalid --server URL '${text}'`)
  }
  if (url.protocol !== 'wss:') {
    throw new UsageError(`--server must be a wss:// URL (TLS), got '${url.protocol}//'`)
  }
  return url.href
}

export function parseCliArgs(argv: readonly string[], environment: CliEnvironment): CliArgs {
  // `pnpm start -- a b` may pass the separator through; it means nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv]
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return { kind: 'help' }

  if (positionals.length !== 0 && positionals.length !== 2) {
    throw new UsageError(`Expected <host> <port> or no positional arguments, got: ${positionals.join(' ')}`)
  }
  if (positionals.length === 2 && values.server) throw new UsageError('Give either <host> <port> or --server, not both')
  const url =
    positionals.length === 2
      ? urlFromHostPort(positionals[0]!, positionals[1]!)
      : values.server
        ? checkServerUrl(values.server)
        : urlFromHostPort(DEFAULT_HOST, String(DEFAULT_PORT))

  const userDir = environment.env.INIT_CWD || environment.cwd
  let caPath: string | null
  if (values.ca !== undefined) {
    if (values.ca === '') throw new UsageError('--ca needs a file name')
    caPath = isAbsolute(values.ca) ? values.ca : resolve(userDir, values.ca)
  } else {
    const root = findRepoRoot(userDir) ?? findRepoRoot(environment.cwd)
    caPath = root ? resolve(root, 'certs', 'ca.pem') : null
  }

  const gatewayHost = new URL(url).hostname
  const privateBindHost = values['private-host'] ?? defaultBindHost(gatewayHost)
  const noColour = values['no-color'] === true || (environment.env.NO_COLOR ?? '') !== ''
  return { kind: 'run', config: { url, caPath, privateBindHost, colour: environment.stdoutIsTTY && !noColour } }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: 'string' },
      ca: { type: 'string' },
      'private-host': { type: 'string' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
