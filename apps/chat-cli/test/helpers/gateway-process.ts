/**
 * The real gateway as its own process (apps/chat-gateway/src/main.ts), so a test can kill it with
 * SIGKILL and start it again on the same port and database.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const GATEWAY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'chat-gateway')

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export class GatewayProcess {
  readonly dir: string
  readonly port: number
  #child: ChildProcess | null = null
  output = ''

  private constructor(dir: string, port: number) {
    this.dir = dir
    this.port = port
  }

  static async start(): Promise<GatewayProcess> {
    const gateway = new GatewayProcess(await mkdtemp(join(tmpdir(), 'parley-cli-gw-')), await freePort())
    await gateway.spawn()
    return gateway
  }

  get url(): string {
    return `wss://127.0.0.1:${this.port}/`
  }

  get caPath(): string {
    return join(this.dir, 'certs', 'ca.pem')
  }

  /** Starts the process and resolves once it listens. */
  async spawn(timeoutMs = 30_000): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'src/main.ts', '--host', '127.0.0.1', '--port', String(this.port)],
      {
        cwd: GATEWAY_DIR,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DATABASE_PATH: join(this.dir, 'parley.db'),
          CERTS_DIR: join(this.dir, 'certs'),
          CHAT_INSTANCE_ID: 'cli-kill-test',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    this.#child = child
    const exited = once(child, 'exit')
    let text = ''
    const listening = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        text += chunk.toString()
        this.output += chunk.toString()
        if (text.includes('chat gateway listening')) resolve()
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
    })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the gateway did not start within ${timeoutMs} ms:\n${text}`)),
        timeoutMs,
      )
    })
    const early = exited.then(([code]) => {
      throw new Error(`the gateway exited with code ${code} before listening:\n${text}`)
    })
    try {
      await Promise.race([listening, timeout, early])
    } finally {
      clearTimeout(timer)
      early.catch(() => undefined)
    }
  }

  /** kill -9: no goodbye, no cleanup; resolves when the process is gone. */
  async kill9(): Promise<void> {
    const child = this.#child
    this.#child = null
    if (!child || child.exitCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  async close(): Promise<void> {
    const child = this.#child
    this.#child = null
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
    await rm(this.dir, { recursive: true, force: true })
  }
}
