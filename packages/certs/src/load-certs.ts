/**
 * What the servers call at start: the localhost certificate, its key and the CA certificate, read
 * from `dir`. The CA's private key is never read here: when the leaf is missing or expires soon, the
 * `pnpm certs` command runs as a child process, reads the key, writes a new leaf and exits, so no
 * server process ever holds the key that every browser of this machine may trust.
 * @module
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CA_FILE, type CertFiles, LEAF_FILE, LEAF_KEY_FILE } from './ensure-certs.js'
import { readIfExists } from './files.js'
import { leafProblem } from './validate.js'

const DAY_MS = 86_400_000

export interface LoadCertsOptions {
  now?: () => Date
  /** Renew a leaf that expires within this time; default 30 days. */
  renewBeforeDays?: number
  /** Makes the certificates in `dir` (default: the `pnpm certs` command in a child process). */
  create?: (dir: string) => Promise<void>
}

/** The certificates CLI as a separate process (TypeScript sources through tsx, or the built JavaScript). */
export async function runCertsCommand(dir: string): Promise<void> {
  const extension = extname(fileURLToPath(import.meta.url))
  const cli = fileURLToPath(new URL(`./cli${extension}`, import.meta.url))
  const hasLoader = process.execArgv.some((arg) => /(^|[\\/])tsx([\\/]|$)/.test(arg))
  const execArgv = extension === '.ts' && !hasLoader ? [...process.execArgv, '--import', 'tsx'] : process.execArgv
  // Its report goes to stderr: a server's stdout carries JSON log lines.
  const child = spawn(process.execPath, [...execArgv, cli, '--dir', dir], { stdio: ['ignore', 2, 2] })
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`"pnpm certs --dir ${dir}" failed (exit ${code})`)
}

async function read(dir: string) {
  const [cert, key, ca] = await Promise.all([LEAF_FILE, LEAF_KEY_FILE, CA_FILE].map((f) => readIfExists(join(dir, f))))
  return { cert, key, ca }
}

export async function loadCerts(dir: string, options: LoadCertsOptions = {}): Promise<CertFiles> {
  const now = options.now ?? (() => new Date())
  const renewBeforeMs = (options.renewBeforeDays ?? 30) * DAY_MS
  const problemOf = (files: Awaited<ReturnType<typeof read>>) =>
    !files.cert || !files.key || !files.ca
      ? 'missing'
      : leafProblem(files.cert, files.key, files.ca, now(), renewBeforeMs)
  let files = await read(dir)
  const reason = problemOf(files)
  if (reason) {
    await (options.create ?? runCertsCommand)(dir)
    files = await read(dir)
    const still = problemOf(files)
    if (still) throw new Error(`The localhost certificate in ${dir} is unusable (${still}): run "pnpm certs"`)
  }
  return {
    key: files.key!,
    cert: files.cert!,
    ca: files.ca!,
    caPath: join(dir, CA_FILE),
    keyPath: join(dir, LEAF_KEY_FILE),
    certPath: join(dir, LEAF_FILE),
    created: { ca: null, leaf: reason },
  }
}
