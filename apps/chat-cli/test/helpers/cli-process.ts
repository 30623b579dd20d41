/**
 * The real chat CLI in a real pseudo-terminal (node-pty), its output fed into a headless xterm so
 * tests read the SCREEN as a user would see it (escape sequences interpreted, lines redrawn).
 * Waiting is always for a condition with a timeout, never a fixed sleep.
 */
import { spawn as spawnChild } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type IPty, spawn } from '@lydell/node-pty'
import xterm from '@xterm/headless'
import { vi } from 'vitest'

const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DEFAULT_TIMEOUT_MS = 20_000

/** `node --import tsx --conditions=source src/main.ts <args>`: the CLI from its sources. */
export function cliCommand(args: string[]): { file: string; args: string[]; cwd: string } {
  return {
    file: process.execPath,
    args: ['--import', 'tsx', '--conditions=source', join(CLI_DIR, 'src', 'main.ts'), ...args],
    cwd: CLI_DIR,
  }
}

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    // vitest's own variables would change how tsx/node behave in the child.
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value
  }
  return { ...env, TERM: 'xterm-256color', ...extra }
}

async function until(check: () => boolean, describe: () => string, timeoutMs: number): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(describe())
    },
    { timeout: timeoutMs, interval: 25 },
  )
}

export class CliInPty {
  readonly name: string
  readonly pty: IPty
  readonly term: InstanceType<typeof xterm.Terminal>
  /** Everything written to the terminal, raw. */
  raw = ''
  exitCode: number | null = null
  readonly exited: Promise<number>
  #pendingWrites = 0

  constructor(name: string, args: string[], env: Record<string, string> = {}) {
    this.name = name
    const command = cliCommand(args)
    this.term = new xterm.Terminal({ cols: 120, rows: 40, scrollback: 5000, allowProposedApi: true })
    this.pty = spawn(command.file, command.args, {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: command.cwd,
      env: childEnv(env),
    })
    this.pty.onData((data) => {
      this.raw += data
      this.#pendingWrites++
      this.term.write(data, () => {
        this.#pendingWrites--
      })
    })
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode }) => {
        this.exitCode = exitCode
        resolve(exitCode)
      })
    })
  }

  /** The screen and scrollback as text lines, right-trimmed (a prompt `> ` reads `>`). */
  lines(): string[] {
    const buffer = this.term.buffer.active
    const lines: string[] = []
    for (let i = 0; i < buffer.length; i++) lines.push((buffer.getLine(i)?.translateToString(true) ?? '').trimEnd())
    while (lines.length > 0 && lines.at(-1) === '') lines.pop()
    return lines
  }

  /** The row the cursor is on, right-trimmed. */
  cursorLine(): string {
    const buffer = this.term.buffer.active
    return (buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '').trimEnd()
  }

  count(line: string): number {
    return this.lines().filter((l) => l === line).length
  }

  #dump(what: string): string {
    return `${this.name}: timed out waiting for ${what}. Screen:\n${this.lines().join('\n')}`
  }

  /** Waits until a whole screen line equals `line` (or matches it) at least `times` times. */
  async waitForLine(line: string | RegExp, times = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const matches = (l: string) => (typeof line === 'string' ? l === line : line.test(l))
    await until(
      () => this.#pendingWrites === 0 && this.lines().filter(matches).length >= times,
      () => this.#dump(`${times}× ${JSON.stringify(String(line))}`),
      timeoutMs,
    )
  }

  /** Waits until the screen contains `text` somewhere. */
  async waitForText(text: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await until(
      () => this.#pendingWrites === 0 && this.lines().join('\n').includes(text),
      () => this.#dump(JSON.stringify(text)),
      timeoutMs,
    )
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await until(
      () => this.#pendingWrites === 0 && check(),
      () => this.#dump(what),
      timeoutMs,
    )
  }

  type(text: string): void {
    this.pty.write(text)
  }

  /** Types a line and presses Enter. */
  enter(text: string): void {
    this.pty.write(`${text}\r`)
  }

  async waitForExit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    await until(
      () => this.exitCode !== null,
      () => this.#dump('exit'),
      timeoutMs,
    )
    return this.exitCode!
  }

  kill(): void {
    if (this.exitCode === null) this.pty.kill()
  }
}

/** The CLI with stdin/stdout as pipes (scripted use), fed `input` and then end-of-input. */
export function runPiped(
  args: string[],
  input: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = cliCommand(args)
  return new Promise((resolve, reject) => {
    const child = spawnChild(command.file, command.args, { cwd: command.cwd, env: childEnv({}), stdio: 'pipe' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`piped CLI did not exit within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}
