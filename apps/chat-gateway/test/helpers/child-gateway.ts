/**
 * The real gateway process (src/main.ts run by node with the tsx loader and the `source`
 * condition), for crash and shutdown tests. One process, so SIGKILL reaches the gateway itself.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export class ChildGateway {
  readonly process: ChildProcess
  readonly port: number
  readonly logs: Record<string, unknown>[]
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  private constructor(
    child: ChildProcess,
    port: number,
    logs: Record<string, unknown>[],
    exited: ChildGateway['exited'],
  ) {
    this.process = child
    this.port = port
    this.logs = logs
    this.exited = exited
  }

  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildGateway> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
      cwd: APP_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const logs: Record<string, unknown>[] = []
    let stderr = ''
    child.stderr!.on('data', (chunk) => {
      stderr += chunk
    })
    const exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }))
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway did not start in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      )
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          logs.push(entry)
          if (entry.msg === 'chat gateway listening') {
            clearTimeout(timer)
            resolve(entry.port as number)
          }
        } catch {
          // not a log line
        }
      })
      void exited.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`gateway exited (${code ?? signal}) before listening: ${stderr}`))
      })
    })
    return new ChildGateway(child, port, logs, exited)
  }

  get url(): string {
    return `wss://127.0.0.1:${this.port}/`
  }

  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal)
    return this.exited
  }
}
