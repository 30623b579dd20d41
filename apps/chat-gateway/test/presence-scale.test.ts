/**
 * Presence and sign-in that scale: changes within a tick go out as one frame per recipient (blocks
 * still respected), any other event flushes them first, and `welcome` carries a bounded first page
 * of who is online with the total, the rest coming from `whoelse` in pages.
 */
import { MAX_WHOELSE_PAGE, WELCOME_ONLINE_LIMIT } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers/client.js'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

const name = (i: number) => `u${String(i).padStart(3, '0')}`

describe('presence, coalesced', () => {
  it('sends the sign-ins of one tick as one frame per recipient, hiding blocked users', async () => {
    // A long tick, so that the three sign-ins below surely fall into one.
    h = await Harness.start({ config: { presenceTickMs: 3000 } })
    for (const user of ['hans', 'yoda', 'leia']) await h.register(user)
    await h.storage.blocks.block(await h.userId('hans'), await h.userId('yoda'))
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await luke.waitForType('presence', (p) => p.user === 'yoda')
    const marks = { luke: luke.raw.length, yoda: yoda.raw.length }
    await Promise.all(['hans', 'leia'].map((user) => h.loginAs(user)))

    await luke.waitForType('presence', (p) => p.user === 'leia')
    const lukeFrames = luke.raw.slice(marks.luke).map((text) => JSON.parse(text) as { type: string })
    expect(lukeFrames).toEqual([
      {
        type: 'presence_batch',
        changes: expect.arrayContaining([
          expect.objectContaining({ user: 'hans', state: 'online' }),
          expect.objectContaining({ user: 'leia', state: 'online' }),
        ]),
      },
    ])
    // yoda and hans block each other's presence: yoda's frame of the same tick names leia alone.
    await yoda.waitForType('presence', (p) => p.user === 'leia')
    const yodaFrames = yoda.raw.slice(marks.yoda).map((text) => JSON.parse(text) as { type: string; user?: string })
    // (luke's own sign-in may share yoda's first tick: only the two newcomers matter here.)
    const newcomers = yodaFrames.filter((frame) => frame.type !== 'presence' || frame.user !== 'luke')
    expect(newcomers).toEqual([{ type: 'presence', user: 'leia', state: 'online', at: expect.any(Number) }])
  })

  it('never lets a message overtake the line saying its sender came online', async () => {
    h = await Harness.start({ config: { presenceTickMs: 3000 } })
    const luke = await h.loginAs('luke')
    const hans = await h.loginAs('hans')
    await hans.request({ type: 'message', to: 'luke', text: 'hello at once' })
    await luke.waitForType('message', (m) => m.text === 'hello at once')
    const order = luke.frames.map((frame) => frame.type).filter((type) => type === 'presence' || type === 'message')
    expect(order).toEqual(['presence', 'message'])
  })
})

describe('welcome and whoelse, paged', () => {
  it('welcomes with the first page and the total; whoelse pages through the rest', async () => {
    h = await Harness.start()
    const count = WELCOME_ONLINE_LIMIT + 5
    const users: TestClient[] = []
    for (let start = 0; start < count; start += 15) {
      const batch = Array.from({ length: Math.min(15, count - start) }, (_, i) => h.loginAs(name(start + i)))
      users.push(...(await Promise.all(batch)))
    }
    await h.register('zed')
    await h.storage.blocks.block(await h.userId(name(3)), await h.userId('zed')) // u003 hides from zed
    // Everyone's sign-in has been announced once the last one reached the first user.
    await users[0]!.waitForType('presence', (p) => p.user === name(count - 1))

    const zed = await h.connect()
    const welcome = await zed.login('zed', PASSWORD)
    const visible = Array.from({ length: count }, (_, i) => name(i)).filter((user) => user !== name(3))
    expect(welcome.online).toEqual(visible.slice(0, WELCOME_ONLINE_LIMIT))
    expect(welcome.onlineTotal).toBe(count - 1)
    expect(welcome.onlineNext).toBe(visible[WELCOME_ONLINE_LIMIT - 1])

    const rest = await zed.request({ type: 'whoelse', after: welcome.onlineNext!, limit: MAX_WHOELSE_PAGE })
    expect(rest).toMatchObject({ type: 'users', users: visible.slice(WELCOME_ONLINE_LIMIT) })
    expect(rest).not.toHaveProperty('next')

    // Small pages chain through everyone exactly once.
    const seen: string[] = []
    let after: string | undefined
    for (let page = 0; page < 20; page++) {
      const reply = await zed.request({ type: 'whoelse', limit: 30, ...(after === undefined ? {} : { after }) })
      if (reply.type !== 'users') throw new Error(`unexpected ${reply.type}`)
      seen.push(...reply.users)
      after = reply.next
      if (after === undefined) break
    }
    expect(seen).toEqual(visible)
  })
})
