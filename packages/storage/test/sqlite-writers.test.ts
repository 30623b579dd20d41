/** Several writers on one SQLite file (board + gateway): WAL + busy_timeout + IMMEDIATE transactions lose nothing. */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteStorage } from '../src/index.js'
import { startFixture } from './child-process.js'
import { makeTempDir } from './temp-dir.js'

const T0 = 1_700_000_000_000
let dir: Awaited<ReturnType<typeof makeTempDir>>
let path: string

beforeEach(async () => {
  dir = await makeTempDir()
  path = join(dir.path, 'parley.db')
})
afterEach(async () => {
  await dir.remove()
})

interface WriterResult {
  attempts: number[]
  sharedMessages: { id: number; duplicate: boolean }[]
}

describe('SQLite: two writers on the same file', () => {
  it('two Storage instances in one process see and keep each other’s writes', async () => {
    const first = await openSqliteStorage(path)
    const second = await openSqliteStorage(path)
    const ann = await first.users.createUser({ username: 'Ann', usernameKey: 'ann', passwordHash: 'h', createdAt: T0 })
    expect(await second.users.getUserById(ann.id)).toEqual(ann)
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).posts.createPost(ann.id, `p${i}`, T0 + i)),
    )
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).loginFailures.registerLoginAttempt(ann.id, T0)),
    )
    expect(attempts.map((a) => a.attempt).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(await first.posts.listPosts({ limit: 100 })).toEqual(await second.posts.listPosts({ limit: 100 }))
    expect(await first.posts.listPosts({ limit: 100 })).toHaveLength(40)
    await first.close()
    await second.close()
  })

  it('two processes and this one writing at once lose nothing, count each login attempt once, dedup messages', async () => {
    const storage = await openSqliteStorage(path)
    const make = (username: string) =>
      storage.users.createUser({ username, usernameKey: username.toLowerCase(), passwordHash: 'h', createdAt: T0 })
    const [ann, bob, victim] = [await make('Ann'), await make('Bob'), await make('Victim')]
    const perWriter = 40
    const writers = ['w1', 'w2'].map((label) =>
      startFixture('writer-child.ts', [
        path,
        label,
        String(perWriter),
        String(ann.id),
        String(bob.id),
        String(victim.id),
      ]),
    )
    await Promise.all(writers.map((writer) => writer.waitForLine((line) => line === 'ready')))
    for (const writer of writers) writer.process.stdin.write('go\n')
    const ownAttempts: number[] = []
    for (let i = 0; i < perWriter; i++) {
      ownAttempts.push((await storage.loginFailures.registerLoginAttempt(victim.id, Date.now())).attempt)
      await sleep(1 + (i % 3)) // idle between requests, as the children do
    }
    const results = await Promise.all(
      writers.map(
        async (writer) => JSON.parse(await writer.waitForLine((line) => line.startsWith('{'))) as WriterResult,
      ),
    )
    for (const writer of writers) expect(await writer.exited, writer.stderr()).toBe(0)

    const everyAttempt = [...ownAttempts, ...results.flatMap((result) => result.attempts)].sort((a, b) => a - b)
    expect(everyAttempt).toEqual(Array.from({ length: 3 * perWriter }, (_, i) => i + 1))

    const posts = await storage.posts.listPosts({ limit: 1000 })
    expect(posts.map((post) => post.body).sort()).toEqual(
      ['w1', 'w2'].flatMap((label) => Array.from({ length: perWriter }, (_, i) => `${label}-${i}`)).sort(),
    )
    for (let i = 0; i < perWriter; i++) {
      const copies = results.map((result) => result.sharedMessages[i]!)
      expect(copies.filter((copy) => !copy.duplicate)).toHaveLength(1)
      expect(copies[0]!.id).toBe(copies[1]!.id)
    }
    expect(await storage.messages.pendingMessages(bob.id)).toHaveLength(3 * perWriter)
    expect(await storage.check()).toEqual([])
    await storage.close()
  })
})
