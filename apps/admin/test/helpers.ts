import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAuth } from '@parley/auth'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { afterEach, beforeEach } from 'vitest'
import { runAdminCommand } from '../src/run.js'
import { FakeTerminal } from './fake-terminal.js'

export const adminDir = join(import.meta.dirname, '..')
export const repoRoot = join(adminDir, '..', '..')

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  input?: string
  initCwd?: string
}

/**
 * Runs an admin command line in this process, as `pnpm parley` would (INIT_CWD = where it was
 * typed, the test's temp dir by default), with a fake terminal holding `input` as standard input.
 */
export async function runAdmin(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const term = new FakeTerminal(options.input)
  const code = await runAdminCommand({
    argv: args,
    env: { ...process.env, INIT_CWD: options.initCwd ?? ctx.dir, ...options.env },
    cwd: adminDir,
    term,
  })
  return { code, stdout: term.stdout, stderr: term.stderr }
}

/** Runs the real admin command in a child process, the way pnpm does (cwd apps/admin, INIT_CWD = where it was typed). */
export function runAdminProcess(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'src/main.ts', ...args],
      {
        cwd: adminDir,
        env: { ...process.env, INIT_CWD: options.initCwd ?? ctx.dir, ...options.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error)
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
      },
    )
    child.stdin?.end(options.input ?? '')
  })
}

/** Per-test temp dir and database path; DATABASE_PATH points there for runAdmin and runAdminProcess. */
export const ctx = { dir: '', dbPath: '' }

export function useTempDatabase(): void {
  beforeEach(async () => {
    ctx.dir = await mkdtemp(join(tmpdir(), 'parley-admin-'))
    ctx.dbPath = join(ctx.dir, 'parley.db')
    process.env.DATABASE_PATH = ctx.dbPath
  })
  afterEach(async () => {
    delete process.env.DATABASE_PATH
    await rm(ctx.dir, { recursive: true, force: true })
  })
}

/** Opens the test database in this process to look at what the command stored. */
export async function withStorage<T>(work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openSqliteStorage(ctx.dbPath)
  try {
    return await work(storage)
  } finally {
    await storage.close()
  }
}

/** Creates accounts directly (faster than importing them through the command). */
export async function seedUsers(...names: string[]): Promise<void> {
  await withStorage(async (storage) => {
    const auth = createAuth({ storage })
    for (const name of names) await auth.createUser(name, `${name}-password`)
  })
}

/** Runs `pnpm <args>` from the repository root as a user would (no INIT_CWD inherited from this test run). */
export function runPnpm(args: string[], env: Record<string, string>): Promise<RunResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  delete childEnv.INIT_CWD
  return new Promise((resolve, reject) => {
    execFile('pnpm', args, { cwd: repoRoot, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error)
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
}
