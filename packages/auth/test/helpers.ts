import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { afterEach } from 'vitest'
import {
  type Auth,
  type AuthConfig,
  type AuthLogger,
  createArgon2Hasher,
  createAuth,
  defaultAuthConfig,
  type PasswordHasher,
} from '../src/index.js'

export interface TestAuth {
  auth: Auth
  storage: Storage
  dir: string
  dbPath: string
  clock: { now: number }
  /** Every argon2 verification that ran, with the hash it checked against. */
  verifications: string[]
  logs: string[]
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A counting wrapper around the real argon2id hasher. */
export function countingHasher(inner: PasswordHasher, verifications: string[]): PasswordHasher {
  return {
    hash: (password) => inner.hash(password),
    needsRehash: (hash) => inner.needsRehash(hash),
    verify: (hash, password) => {
      verifications.push(hash)
      return inner.verify(hash, password)
    },
  }
}

/** Captures log calls as JSON lines, the way a pino destination would receive them. */
export function capturingLogger(lines: string[]): AuthLogger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push(JSON.stringify({ level, ...fields, msg: message }))
  return { info: write('info'), warn: write('warn') }
}

/** Auth over a real SQLite file in a fresh temp dir, with real argon2id and an injectable clock. */
export async function makeAuth(config: Partial<AuthConfig> = {}, existing?: { storage: Storage; dir: string }) {
  const dir = existing?.dir ?? (await mkdtemp(join(tmpdir(), 'parley-auth-')))
  const dbPath = join(dir, 'parley.db')
  const storage = existing?.storage ?? (await openSqliteStorage(dbPath))
  if (!existing) {
    cleanups.push(async () => {
      await storage.close().catch(() => undefined) // a test may have closed it already
      await rm(dir, { recursive: true, force: true })
    })
  }
  const clock = { now: Date.now() }
  const verifications: string[] = []
  const logs: string[] = []
  const argon2 = { ...defaultAuthConfig.argon2, ...config.argon2 }
  const auth = createAuth({
    storage,
    config,
    now: () => clock.now,
    hasher: countingHasher(createArgon2Hasher(argon2), verifications),
    log: capturingLogger(logs),
  })
  return { auth, storage, dir, dbPath, clock, verifications, logs } satisfies TestAuth
}

/** The ParleyError code a promise rejects with (fails the test when it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as { code: string }).code
  }
  throw new Error('expected a rejection')
}
