/**
 * Parent ↔ child processes over Node's IPC channel: the parent sends `{ id, cmd, args }`, the child
 * answers `{ id, ok, result }` or `{ id, ok: false, error }`. Servers under test and load generators
 * each run in their own process, so neither steals the other's CPU time unnoticed.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

export type Handler = (args: never) => unknown
export type Handlers = Record<string, Handler>

interface Request {
  id: number
  cmd: string
  args: unknown
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url))
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))

/** Child side: answers the parent's commands until told to exit. */
export function serve(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.cmd] as ((args: unknown) => unknown) | undefined
    const reply = (value: Reply) => process.send?.(value)
    if (!handler) {
      reply({ id: message.id, ok: false, error: `unknown command ${message.cmd}` })
      return
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (result) => reply({ id: message.id, ok: true, result: result ?? null }),
        (error: unknown) =>
          reply({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      )
  })
  // The parent died: nothing left to report to.
  process.on('disconnect', () => process.exit(0))
}

export class Child {
  readonly role: string
  readonly proc: ChildProcess
  #next = 0
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  readonly exited: Promise<number | null>

  constructor(role: string, proc: ChildProcess) {
    this.role = role
    this.proc = proc
    proc.on('message', (reply: Reply) => {
      const waiter = this.#pending.get(reply.id)
      if (!waiter) return
      this.#pending.delete(reply.id)
      if (reply.ok) waiter.resolve(reply.result)
      else waiter.reject(new Error(`${role}: ${reply.error}`))
    })
    this.exited = once(proc, 'exit').then(([code]) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`${role} exited with code ${code}`))
      this.#pending.clear()
      return code as number | null
    })
  }

  request<T>(cmd: string, args: unknown = null): Promise<T> {
    const id = ++this.#next
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.proc.send({ id, cmd, args } satisfies Request)
    })
  }

  /** Asks the child to leave, and kills it when it does not within a few seconds. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000)
    this.request('exit').catch(() => undefined)
    await this.exited
    clearTimeout(timer)
  }
}

export interface StartOptions {
  /** Extra V8/Node flags (`--expose-gc`, `--cpu-prof`). */
  nodeFlags?: string[]
}

/**
 * Starts `src/child.ts <role>` under tsx, through `sh` so the open-file limit can be raised to the
 * hard limit first (10,000 sockets need more than the usual 1,024 descriptors).
 */
export function startChild(role: string, options: StartOptions = {}): Child {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', ...(options.nodeFlags ?? [])]
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"'
  const proc = spawn('/bin/sh', ['-c', script, 'sh', ...node, CHILD_ENTRY, role], {
    cwd: BENCH_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  return new Child(role, proc)
}
