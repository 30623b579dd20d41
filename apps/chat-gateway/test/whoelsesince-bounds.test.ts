/**
 * `whoelsesince` is bounded: its window (CHAT_WHOELSESINCE_MAX_SECONDS), its answer (500 names and
 * always under the 64 KiB frame limit, marked `truncated`), and the tables behind it (presence
 * history past the window and expired sessions are deleted on a schedule). Real sockets.
 */
import { randomBytes } from 'node:crypto'
import { ErrorCode, MAX_FRAME_BYTES } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'

const DAY = 86_400_000
let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

/** Accounts straight into storage (no argon2: hundreds of them), each with a presence row closed at `at`. */
async function pastUsers(count: number, name: (i: number) => string, at: number): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < count; i++) {
    const username = name(i)
    const row = await h.storage.users.createUser({
      username,
      usernameKey: username.toLowerCase(),
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      createdAt: at,
    })
    await h.storage.presence.closePresence(await h.storage.presence.openPresence(row.id, 'gw-old', at - 1000), at)
    ids.push(row.id)
  }
  return ids
}

describe('whoelsesince bounds', () => {
  it('refuses a window longer than the history is kept, saying how long that is', async () => {
    h = await Harness.start({ config: { whoelsesinceMaxSeconds: 3600 } })
    const hans = await h.loginAs('hans')
    const refused = await hans.request({ type: 'whoelsesince', seconds: 3601 })
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.InvalidCommand })
    expect(refused.type === 'error' && refused.message).toMatch(/at most 3600 seconds/)
    expect(await hans.request({ type: 'whoelsesince', seconds: 3600 })).toMatchObject({ type: 'users', users: [] })
  })

  it('caps the answer at 500 names, under the frame limit, and says it was cut', async () => {
    h = await Harness.start()
    // Long names of 4-byte characters: 600 of them would make a frame of about 80 KB.
    await pastUsers(600, (i) => `${'𝓏'.repeat(28)}${String(i).padStart(4, '0')}`, h.clock.now() - 1000)
    const hans = await h.loginAs('hans')
    const since = hans.raw.length
    const reply = await hans.request({ type: 'whoelsesince', seconds: 60 })
    expect(reply).toMatchObject({ type: 'users', truncated: true })
    const users = reply.type === 'users' ? reply.users : []
    expect(users.length).toBeGreaterThan(0)
    expect(users.length).toBeLessThanOrEqual(500)
    expect(new Set(users).size).toBe(users.length)
    const frame = hans.raw.slice(since).find((text) => text.includes('"truncated"'))!
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_FRAME_BYTES)
  })

  it('answers in full, without truncated, when everything fits', async () => {
    h = await Harness.start()
    await pastUsers(3, (i) => `past${i}`, h.clock.now() - 1000)
    const hans = await h.loginAs('hans')
    const reply = await hans.request({ type: 'whoelsesince', seconds: 60 })
    expect(reply).toEqual({ type: 'users', replyTo: expect.any(String), users: ['past0', 'past1', 'past2'] })
  })
})

describe('housekeeping', () => {
  it('deletes presence history older than the longest window and expired sessions, on a schedule', async () => {
    h = await Harness.start({ config: { whoelsesinceMaxSeconds: 7 * 86_400, housekeepingIntervalMs: 200 } })
    const now = h.clock.now()
    const [old] = await pastUsers(1, () => 'old', now - 8 * DAY)
    const [recent] = await pastUsers(1, () => 'recent', now - 6 * DAY)
    const expired = randomBytes(32).toString('hex')
    await h.storage.sessions.createSession({
      tokenHash: expired,
      userId: recent!,
      createdAt: now - DAY,
      lastSeenAt: now - DAY,
      expiresAt: now + DAY,
      userAgent: null,
      ip: null,
    })
    await expect.poll(() => h.storage.sessions.getSession(expired), { timeout: 5000 }).toBeNull()
    await expect.poll(() => h.storage.presence.usersOnlineSince(0), { timeout: 5000 }).toEqual([recent])
    expect(old).toBeDefined()
  })
})
