/**
 * A TypeScript entry point run as its own node process (tsx loader, `source` condition), with its
 * pino output parsed line by line, so tests can send it real signals (SIGTERM, SIGKILL) and wait for
 * what it logs. Optionally with an IPC channel for test-only hosts.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { until } from './wait.js'

export interface NodeChildOptions {
  cwd: string
  env: Record<string, string>
  args?: string[]
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[]
  ipc?: boolean
  /** The process is ready once it logs an entry matching this. */
  ready: (entry: Record<string, unknown>) => boolean
  timeoutMs?: number
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value
  }
  return env
}

export class NodeChild {
  readonly process: ChildProcess
  readonly logs: Record<string, unknown>[] = []
  /** Everything written to stdout and stderr. */
  output = ''
  readonly exited: Promise<Exit>

  private constructor(child: ChildProcess) {
    this.process = child
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit)
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.output += `${line}\n`
        if (!line.startsWith('{')) return
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>)
        } catch {
          // Not a log line.
        }
      })
    }
  }

  static async start(entry: string, options: NodeChildOptions): Promise<NodeChild> {
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), '--conditions=source', '--import', 'tsx', entry, ...(options.args ?? [])],
      {
        cwd: options.cwd,
        env: { ...baseEnv(), ...options.env },
        stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      },
    )
    const node = new NodeChild(child)
    let exited: Exit | null = null
    void node.exited.then((exit) => {
      exited = exit
    })
    await until(
      () => {
        if (exited) throw new Error(`${entry} exited (${JSON.stringify(exited)}) before it was ready:\n${node.output}`)
        return node.logs.some(options.ready)
      },
      () => `${entry} to be ready; output:\n${node.output}`,
      options.timeoutMs ?? 60_000,
    )
    return node
  }

  /** The first log entry matching `test`, waiting for it. */
  async waitForLog(test: (entry: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
    await until(
      () => this.logs.some(test),
      () => `a matching log entry; output:\n${this.output.slice(-3000)}`,
      timeoutMs,
    )
    return this.logs.find(test)!
  }

  kill(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal)
  }
}
