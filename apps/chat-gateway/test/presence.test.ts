import { ManualTimers } from '@parley/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers/client.js'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

const sawPresence = (client: TestClient, user: string, state: 'online' | 'offline', since = 0) =>
  client.waitForType('presence', (p) => p.user === user && p.state === state, { since })

/** A round trip on `client`: every frame the gateway sent it before now has arrived. */
const sync = (client: TestClient) => client.request({ type: 'whoelse' })

describe('presence events', () => {
  it('announces login and logout to every other online user', async () => {
    h = await Harness.start()
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await sawPresence(luke, 'yoda', 'online')
    const hans = await h.loginAs('hans')
    expect(hans.ofType('welcome')[0]!.online).toEqual(['luke', 'yoda'])
    await sawPresence(luke, 'hans', 'online')
    await sawPresence(yoda, 'hans', 'online')
    hans.send({ type: 'logout' })
    await sawPresence(luke, 'hans', 'offline')
    await sawPresence(yoda, 'hans', 'offline')
    // Nobody is told about themselves.
    await hans.waitClosed()
    expect(hans.ofType('presence').filter((p) => p.user === 'hans')).toEqual([])
  })

  it('shows a dropped connection as a logout', async () => {
    h = await Harness.start()
    const luke = await h.loginAs('luke')
    const hans = await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online')
    hans.terminate()
    await sawPresence(luke, 'hans', 'offline')
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: [] })
  })

  it('hides presence both ways between a blocker and the blocked', async () => {
    h = await Harness.start()
    await h.register('hans')
    await h.register('yoda')
    await h.storage.blocks.block(await h.userId('hans'), await h.userId('yoda'))
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await sawPresence(luke, 'yoda', 'online')
    const hans = await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online')
    await sync(yoda)
    hans.send({ type: 'logout' })
    await sawPresence(luke, 'hans', 'offline')
    await sync(yoda)
    expect(yoda.ofType('presence').filter((p) => p.user === 'hans')).toEqual([])

    const hans2 = await h.loginAs('hans')
    const mark = luke.frames.length
    yoda.send({ type: 'logout' })
    await sawPresence(luke, 'yoda', 'offline', mark)
    await sync(hans2)
    expect(hans2.ofType('presence').filter((p) => p.user === 'yoda')).toEqual([])
  })
})

describe('whoelse and whoelsesince', () => {
  it('lists other online users, never those who blocked the asker', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.loginAs('yoda')
    await h.loginAs('luke')
    const vader = await h.loginAs('vader')
    expect(await hans.request({ type: 'whoelse' })).toMatchObject({ type: 'users', users: ['luke', 'vader', 'yoda'] })
    expect(await vader.request({ type: 'block', user: 'hans' })).toMatchObject({ type: 'ack' })
    expect(await hans.request({ type: 'whoelse' })).toMatchObject({ users: ['luke', 'yoda'] })
  })

  it('lists users online at any moment of the last N seconds, including those still online', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const yoda = await h.loginAs('yoda')
    yoda.send({ type: 'logout' })
    await sawPresence(hans, 'yoda', 'offline')
    h.clock.advance(100_000)
    const luke = await h.loginAs('luke')
    luke.send({ type: 'logout' })
    await sawPresence(hans, 'luke', 'offline')
    h.clock.advance(10_000)
    await h.loginAs('leia')
    const vader = await h.loginAs('vader')
    await vader.request({ type: 'block', user: 'hans' })
    vader.send({ type: 'logout' })
    // yoda left 110 s ago, luke 10 s ago, leia is online, vader blocked hans.
    const since = async (seconds: number) => hans.request({ type: 'whoelsesince', seconds })
    expect(await since(50)).toMatchObject({ type: 'users', users: ['leia', 'luke'] })
    expect(await since(200)).toMatchObject({ users: ['leia', 'luke', 'yoda'] })
    expect(await since(0)).toMatchObject({ users: ['leia'] })
    expect(await hans.request({ type: 'whoelse' })).toMatchObject({ users: ['leia'] })
  })
})

describe('inactivity timeout', () => {
  it('logs out a user who sends no command, tells why, and shows the logout to others', async () => {
    h = await Harness.start({ config: { timeoutSeconds: 1 } })
    const luke = await h.loginAs('luke')
    const keepLukeActive = setInterval(() => luke.send({ type: 'whoelse' }), 200)
    try {
      const hans = await h.loginAs('hans')
      // `received` is not a user command: it does not keep the session alive.
      const acks = setInterval(() => hans.send({ type: 'received', ids: [987654] }), 200)
      try {
        const bye = await hans.waitForType('bye')
        expect(bye.reason).toBe('timeout')
        expect(bye.message).toMatch(/inactivity/)
        expect((await hans.waitClosed()).code).toBe(4000)
      } finally {
        clearInterval(acks)
      }
      await sawPresence(luke, 'hans', 'offline')
    } finally {
      clearInterval(keepLukeActive)
    }
    expect(luke.ofType('bye')).toEqual([])
  })

  it('closes a connection that never signs in', async () => {
    const timers = new ManualTimers()
    h = await Harness.start({ config: { timeoutSeconds: 1 }, timers })
    const idle = await h.connect()
    timers.advance(1000)
    expect(await idle.waitForType('bye')).toMatchObject({ reason: 'timeout' })
    expect((await idle.waitClosed()).code).toBe(4000)
  })
})
