/** Several processes on one PostgreSQL database: row locks and atomic statements keep every rule. */
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Storage, UserRow } from '../src/index.js'
import { startFixture } from './child-process.js'
import { databaseUrl, dropSchema, freshSchemaName, openTestStorage, sharedAdmin } from './postgres-env.js'

const T0 = 1_700_000_000_000
const admins = sharedAdmin()
let admin: pg.Pool
let schema: string
let first: Storage
let second: Storage

afterAll(() => admins.end())
beforeEach(async () => {
  admin = await admins.get()
  schema = freshSchemaName()
  // Two pools, as two board/gateway processes would have.
  first = await openTestStorage(schema)
  second = await openTestStorage(schema)
})
afterEach(async () => {
  await first?.close()
  await second?.close()
  if (admin) await dropSchema(admin, schema)
})

function addUser(username: string): Promise<UserRow> {
  return first.users.createUser({ username, usernameKey: username.toLowerCase(), passwordHash: 'h', createdAt: T0 })
}

const either = (i: number) => (i % 2 ? first : second)

describe('PostgreSQL: two pools writing at once', () => {
  it('number 50 concurrent login attempts 1..50 exactly once', async () => {
    const ann = await addUser('Ann')
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => either(i).loginFailures.registerLoginAttempt(ann.id, T0)),
    )
    expect(results.map((result) => result.attempt).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    )
  })

  it('let no more than 3 of 50 parallel wrong guesses through, then stay locked', async () => {
    const ann = await addUser('Ann')
    const guess = async (i: number) => {
      const store = either(i).loginFailures
      const counted = await store.registerLoginAttempt(ann.id, T0)
      if (counted.attempt > 3 || counted.lockedUntil !== null) return 'refused'
      await store.recordLoginFailure(ann.id, T0, 3, 60_000)
      return 'checked'
    }
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => guess(i)))
    expect(outcomes.filter((outcome) => outcome === 'checked').length).toBeLessThanOrEqual(3)
    expect(await first.loginFailures.getLoginState(ann.id, T0)).toEqual({ attempt: 3, lockedUntil: T0 + 60_000 })
    expect(await second.loginFailures.registerLoginAttempt(ann.id, T0 + 1)).toEqual({
      attempt: 3,
      lockedUntil: T0 + 60_000,
    })
  })

  it('store one copy of a message resent through both at once', async () => {
    const ann = await addUser('Ann')
    const bob = await addUser('Bob')
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        either(i).messages.storeMessage({
          senderId: ann.id,
          recipientId: bob.id,
          clientId: `c-${i % 3}`,
          body: `copy ${i}`,
          createdAt: T0,
        }),
      ),
    )
    expect(results.filter((result) => !result.duplicate)).toHaveLength(3)
    expect(new Set(results.map((result) => result.message.id)).size).toBe(3)
    expect(await first.messages.pendingMessages(bob.id)).toHaveLength(3)
  })

  it('acknowledge a queued message once when both deliver it', async () => {
    const ann = await addUser('Ann')
    const bob = await addUser('Bob')
    const ids: number[] = []
    for (let i = 0; i < 10; i++) {
      ids.push(
        (
          await first.messages.storeMessage({
            senderId: ann.id,
            recipientId: bob.id,
            clientId: `m${i}`,
            body: 'x',
            createdAt: T0,
          })
        ).message.id,
      )
    }
    await Promise.all([
      first.messages.markDelivered(bob.id, ids, T0 + 1),
      second.messages.markDelivered(bob.id, ids, T0 + 2),
      second.messages.markDelivered(ann.id, ids, T0 + 3), // not Ann's to acknowledge
    ])
    expect(await first.messages.pendingMessages(bob.id)).toEqual([])
    const history = await first.messages.conversation(ann.id, bob.id, { limit: 100 })
    for (const message of history) expect([T0 + 1, T0 + 2]).toContain(message.deliveredAt)
  })

  it('revoke each session exactly once when both end "every other session" at once', async () => {
    const ann = await addUser('Ann')
    const session = (tokenHash: string) => ({
      tokenHash,
      userId: ann.id,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 1000,
      userAgent: null,
      ip: null,
    })
    for (let i = 0; i < 10; i++) await either(i).sessions.createSession(session(`old-${i}`))
    // Two devices log in (a new token each) and revoke all their other sessions, at the same time.
    const rotate = async (storage: Storage, token: string) => {
      await storage.sessions.createSession(session(token))
      return storage.sessions.deleteUserSessions(ann.id, token)
    }
    const [byFirst, bySecond] = await Promise.all([rotate(first, 'new-a'), rotate(second, 'new-b')])
    const revoked = [...byFirst, ...bySecond]
    expect(new Set(revoked).size).toBe(revoked.length) // no row reported twice
    for (let i = 0; i < 10; i++) expect(revoked).toContain(`old-${i}`)
    const left = (await first.sessions.listUserSessions(ann.id)).map((row) => row.tokenHash)
    // Each new session is either still there or was revoked by the other device, never both or neither.
    expect([...left, ...revoked.filter((token) => token.startsWith('new-'))].sort()).toEqual(['new-a', 'new-b'])
  })

  it('two processes and this one writing at once lose nothing, count each attempt once, dedup messages', async () => {
    const ann = await addUser('Ann')
    const bob = await addUser('Bob')
    const victim = await addUser('Victim')
    const perWriter = 30
    const writers = ['w1', 'w2'].map((label) =>
      startFixture('writer-child.ts', [
        databaseUrl,
        label,
        String(perWriter),
        String(ann.id),
        String(bob.id),
        String(victim.id),
        schema,
      ]),
    )
    await Promise.all(writers.map((writer) => writer.waitForLine((line) => line === 'ready')))
    for (const writer of writers) writer.process.stdin.write('go\n')
    const ownAttempts: number[] = []
    for (let i = 0; i < perWriter; i++) {
      ownAttempts.push((await either(i).loginFailures.registerLoginAttempt(victim.id, Date.now())).attempt)
      await sleep(1 + (i % 3))
    }
    const results = await Promise.all(
      writers.map(
        async (writer) =>
          JSON.parse(await writer.waitForLine((line) => line.startsWith('{'))) as {
            attempts: number[]
            sharedMessages: { id: number; duplicate: boolean }[]
          },
      ),
    )
    for (const writer of writers) expect(await writer.exited, writer.stderr()).toBe(0)
    const everyAttempt = [...ownAttempts, ...results.flatMap((result) => result.attempts)].sort((a, b) => a - b)
    expect(everyAttempt).toEqual(Array.from({ length: 3 * perWriter }, (_, i) => i + 1))
    expect(await first.posts.listPosts({ limit: 1000 })).toHaveLength(2 * perWriter)
    for (let i = 0; i < perWriter; i++) {
      const copies = results.map((result) => result.sharedMessages[i]!)
      expect(copies.filter((copy) => !copy.duplicate)).toHaveLength(1)
      expect(copies[0]!.id).toBe(copies[1]!.id)
    }
    expect(await first.messages.pendingMessages(bob.id)).toHaveLength(3 * perWriter)
    expect(await first.check()).toEqual([])
  })
})
