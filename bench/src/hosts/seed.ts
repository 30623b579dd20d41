/**
 * Pre-created accounts and sessions for a bench run, written straight to storage before timing:
 * one real argon2id hash (default parameters) shared by every account, and a session per account
 * whose token clients `resume` with, so thousands of clients sign in without thousands of hashes.
 * @module
 */

import { randomBytes } from 'node:crypto'
import { type Auth, createArgon2Hasher, defaultAuthConfig, hashToken } from '@parley/auth'
import type { Storage } from '@parley/storage'

export const BENCH_PASSWORD = 'bench password 1'
const SEED_CHUNK = 500

export interface SeededUser {
  username: string
  token: string
}

export async function seedUsers(storage: Storage, auth: Auth, count: number, prefix = 'u'): Promise<SeededUser[]> {
  const passwordHash = await createArgon2Hasher(defaultAuthConfig.argon2).hash(BENCH_PASSWORD)
  const now = Date.now()
  const users: SeededUser[] = []
  // Many at once: the writes of a chunk share group commits (one at a time, 20,000 accounts took minutes).
  for (let start = 0; start < count; start += SEED_CHUNK) {
    const chunk = Array.from({ length: Math.min(SEED_CHUNK, count - start) }, async (_, offset) => {
      const name = auth.normalizeUsername(`${prefix}${start + offset}`)
      const user = await storage.users.createUser({ ...name, passwordHash, createdAt: now })
      const token = randomBytes(32).toString('base64url')
      await storage.sessions.createSession({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + auth.config.sessionAbsoluteMs,
        userAgent: 'parley-bench',
        ip: '127.0.0.1',
      })
      return { username: name.username, token }
    })
    users.push(...(await Promise.all(chunk)))
  }
  return users
}
