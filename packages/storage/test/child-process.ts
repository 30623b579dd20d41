import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

export interface Child {
  process: ChildProcessWithoutNullStreams
  /** Resolves with the first stdout line matching, rejects if the child exits first. */
  waitForLine(match: (line: string) => boolean): Promise<string>
  /** Every stdout line so far. */
  lines: string[]
  stderr: () => string
  /** Resolves with the exit code (or the signal name) once the child is gone. */
  exited: Promise<number | string>
}

/** Runs a TypeScript fixture from test/fixtures in its own Node process (a real second writer). */
export function startFixture(name: string, args: readonly string[]): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join('test', 'fixtures', name), ...args],
    {
      cwd: packageDir,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  const lines: string[] = []
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = []
  let errorText = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errorText += chunk
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  })
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  return {
    process: child,
    lines,
    stderr: () => errorText,
    exited,
    waitForLine(match) {
      const seen = lines.find(match)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve })
        exited.then((code) =>
          reject(new Error(`fixture ${name} exited (${code}) before the expected line; stderr:\n${errorText}`)),
        )
      })
    },
  }
}
