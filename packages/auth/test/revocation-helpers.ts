import type { AuthConfig, RevokeEvent, RevokeListener } from '../src/index.js'
import { createArgon2Hasher, createAuth, defaultAuthConfig } from '../src/index.js'
import { capturingLogger, countingHasher, makeAuth } from './helpers.js'

/**
 * `makeAuth` (real SQLite file, real argon2id, injectable clock) whose auth also records every
 * `onRevoke` event, or calls `listener` instead when given.
 */
export async function makeAuthWithEvents(config: Partial<AuthConfig> = {}, listener?: RevokeListener) {
  const base = await makeAuth(config)
  const events: RevokeEvent[] = []
  const auth = createAuth({
    storage: base.storage,
    config,
    now: () => base.clock.now,
    hasher: countingHasher(createArgon2Hasher({ ...defaultAuthConfig.argon2, ...config.argon2 }), base.verifications),
    log: capturingLogger(base.logs),
    onRevoke:
      listener ??
      ((event) => {
        events.push(event)
      }),
  })
  return { ...base, auth, events }
}

export type AuthWithEvents = Awaited<ReturnType<typeof makeAuthWithEvents>>

/** Registers each name with password `password-<name>`; returns name → { id, token }. */
export async function registerAll(t: AuthWithEvents, ...names: string[]) {
  const users: Record<string, { id: number; token: string; tokenHash: string }> = {}
  for (const name of names) {
    const { user, session } = await t.auth.register(name, `password-${name}`)
    users[name] = { id: user.id, token: session.token, tokenHash: t.auth.hashToken(session.token) }
  }
  return users
}
