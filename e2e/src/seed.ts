/**
 * Many accounts with live sessions, written straight into storage: one argon2id hash shared by all
 * (hashing is the slow part, and a hash is valid for any account), and session tokens made the way
 * @parley/auth makes them (32 random bytes, base64url; only the SHA-256 is stored). Clients then
 * `resume` with the tokens: authenticated sockets without a thousand argon2 runs.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { createArgon2Hasher, defaultAuthConfig, hashToken, usernameKeyOf } from '@parley/auth'
import type { Storage } from '@parley/storage'

export interface SeededUser {
  id: number
  username: string
  token: string
}

export async function seedUsers(
  storage: Storage,
  names: readonly string[],
  password: string,
  now = Date.now(),
): Promise<SeededUser[]> {
  const passwordHash = await createArgon2Hasher(defaultAuthConfig.argon2).hash(password)
  const users: SeededUser[] = []
  for (const username of names) {
    const row = await storage.users.createUser({
      username,
      usernameKey: usernameKeyOf(username.normalize('NFC')),
      passwordHash,
      createdAt: now,
    })
    const token = randomBytes(32).toString('base64url')
    await storage.sessions.createSession({
      tokenHash: hashToken(token),
      userId: row.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + defaultAuthConfig.sessionAbsoluteMs,
      userAgent: 'e2e seed',
      ip: '127.0.0.1',
    })
    users.push({ id: row.id, username, token })
  }
  return users
}
