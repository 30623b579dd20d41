/**
 * The real chat CLI (apps/chat-cli/src/main.ts through the tsx loader) in a real pseudo-terminal
 * (@lydell/node-pty), keeping everything it writes as raw text so tests can look at the exact bytes
 * that would reach a terminal.
 * @module
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type IPty, spawn } from '@lydell/node-pty'
import { until } from './wait.js'

const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'chat-cli')

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    // vitest's own variables would change how node and tsx behave in the child.
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value
  }
  return { ...env, TERM: 'xterm-256color', ...extra }
}

export class CliPty {
  readonly pty: IPty
  /** Everything the CLI wrote to the terminal, as decoded text. */
  raw = ''
  exitCode: number | null = null

  constructor(args: string[], env: Record<string, string> = {}) {
    this.pty = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(CLI_DIR, 'src', 'main.ts'), ...args],
      { name: 'xterm-256color', cols: 200, rows: 50, cwd: CLI_DIR, env: childEnv(env) },
    )
    this.pty.onData((data) => {
      this.raw += data
    })
    this.pty.onExit(({ exitCode }) => {
      this.exitCode = exitCode
    })
  }

  async waitForText(text: string, timeoutMs = 30_000): Promise<void> {
    await until(
      () => this.raw.includes(text),
      () => `the CLI to print ${JSON.stringify(text)}; it printed:\n${JSON.stringify(this.raw.slice(-2000))}`,
      timeoutMs,
    )
  }

  /** The raw text from `start` (inclusive) to the end of that output line (CRLF excluded). */
  lineFrom(start: string): string {
    const at = this.raw.indexOf(start)
    if (at === -1) throw new Error(`${JSON.stringify(start)} not in the output`)
    const end = this.raw.indexOf('\r\n', at)
    return this.raw.slice(at, end === -1 ? undefined : end)
  }

  enter(text: string): void {
    this.pty.write(`${text}\r`)
  }

  kill(): void {
    if (this.exitCode === null) this.pty.kill()
  }
}

/** Starts a CLI against `url`, signs in, and waits for the welcome line. */
export async function signedInCli(url: string, caPath: string, username: string, password: string): Promise<CliPty> {
  const cli = new CliPty(['--server', url, '--ca', caPath, '--no-color'], { NO_COLOR: '1' })
  await cli.waitForText('Username:')
  cli.enter(username)
  await cli.waitForText('Password:')
  cli.enter(password)
  await cli.waitForText('Welcome to the greatest messaging application ever!')
  return cli
}
