/**
 * A package.json script run as a developer runs it (`pnpm run <script>` in the package's folder),
 * read line by line until a line shows it is up. It runs in its own process group, so stop() ends
 * the whole pipeline a script may start (pnpm, `tsx watch`, the app, `pino-pretty`), not just pnpm.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

export interface ScriptRunOptions {
  /** The package's folder. */
  cwd: string
  script: string
  /** Added to this process's environment. */
  env?: Record<string, string>
  /** The stdout line that means the script is up (tested after removing colour codes). */
  until: RegExp
  timeoutMs?: number
}

export interface ScriptRun {
  /** The first line matching `until`, without colour codes. */
  line: string
  /** Every stdout line so far, without colour codes. */
  lines: string[]
  /** SIGTERM to the whole group; SIGKILL to what is left once pnpm has exited (or after 5 s). */
  stop(): Promise<void>
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ANSI = /\u001b\[[0-9;]*m/g

export async function runScriptUntil(options: ScriptRunOptions): Promise<ScriptRun> {
  const child = spawn('pnpm', ['run', '--silent', options.script], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit')
  const lines: string[] = []
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const stop = () => stopGroup(child, exited)
  const timeoutMs = options.timeoutMs ?? 60_000
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(failure(`no line matching ${options.until} in ${timeoutMs} ms`)), timeoutMs)
      createInterface({ input: child.stdout! }).on('line', (raw) => {
        const text = raw.replace(ANSI, '')
        lines.push(text)
        if (options.until.test(text)) {
          clearTimeout(timer)
          resolve(text)
        }
      })
      exited.then(
        ([code, signal]) => {
          clearTimeout(timer)
          reject(failure(`exited (${code ?? signal}) before a line matching ${options.until}`))
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error) // pnpm could not be started
        },
      )
    })
    return { line, lines, stop }
  } catch (error) {
    await stop()
    throw error
  }

  function failure(what: string): Error {
    return new Error(`pnpm run ${options.script} ${what}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)
  }
}

async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.pid === undefined) return
  const group = -child.pid
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group, name)
    } catch {
      // the group is gone already
    }
  }
  signal('SIGTERM')
  const killer = setTimeout(() => signal('SIGKILL'), 5_000)
  if (child.exitCode === null && child.signalCode === null) await exited.catch(() => undefined)
  clearTimeout(killer)
  // pnpm may exit before the app behind it has finished: leave nothing of the group running.
  signal('SIGKILL')
}
