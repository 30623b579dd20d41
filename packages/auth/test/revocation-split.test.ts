import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeRevokeEvent } from '../src/index.js'
import { makeAuthWithEvents } from './revocation-helpers.js'

describe('revocations of users with very many sessions', () => {
  it('are announced in events that each pass the bus schema, together naming every ended session', async () => {
    const { auth, storage, clock, events } = await makeAuthWithEvents()
    const { user, session } = await auth.register('scripted', 'password1')
    const total = 10_001
    for (let i = 0; i < total; i++) {
      await storage.sessions.createSession({
        tokenHash: randomBytes(32).toString('hex'),
        userId: user.id,
        createdAt: clock.now,
        lastSeenAt: clock.now,
        expiresAt: clock.now + 3_600_000,
        userAgent: null,
        ip: null,
      })
    }
    const ended = await auth.revokeAllSessions(user.id, auth.hashToken(session.token))
    expect(ended).toHaveLength(total)
    expect(events.length).toBeGreaterThan(1)
    // What a receiving gateway or board does with each event: check it against the schema.
    expect(events.every((event) => decodeRevokeEvent(JSON.parse(JSON.stringify(event))) !== null)).toBe(true)
    const announced = events.flatMap((event) => (event.tokenHashes === 'all' ? [] : event.tokenHashes))
    expect(new Set(announced)).toEqual(new Set(ended))
  })
})
