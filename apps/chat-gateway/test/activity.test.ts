/**
 * Idle expiry is decided by what the user did, not by the connection being open: the heartbeat's
 * session re-check is read-only, user commands refresh the session's last-seen time, and a
 * browser's automatic decline of a private request is not activity. Real sockets; the test clock
 * moves the sessions' time (idle expiry: 30 minutes).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { BOARD_ORIGIN, Harness, PASSWORD } from './helpers/harness.js'

const MINUTE = 60_000
let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

/** Lets a few heartbeats (200 ms apart) run at the clock's current time. */
const heartbeats = () => new Promise((resolve) => setTimeout(resolve, 700))

describe('idle expiry counts only what the user did', () => {
  it('an open but idle connection does not keep its session alive', async () => {
    h = await Harness.start({ config: { heartbeatMs: 200 } })
    const hans = await h.loginAs('hans')
    h.clock.advance(20 * MINUTE)
    await heartbeats()
    h.clock.advance(11 * MINUTE)
    expect(await hans.waitForType('bye')).toMatchObject({ reason: 'revoked' })
    expect((await hans.waitClosed()).code).toBe(4001)
  })

  it('a command of the user refreshes the session', async () => {
    h = await Harness.start({ config: { heartbeatMs: 200 } })
    const hans = await h.loginAs('hans')
    h.clock.advance(20 * MINUTE)
    expect(await hans.request({ type: 'whoelse' })).toMatchObject({ type: 'users' })
    h.clock.advance(20 * MINUTE)
    await heartbeats()
    expect(hans.isOpen).toBe(true)
    expect(hans.ofType('bye')).toEqual([])
  })

  it("a browser's automatic decline of a private request is not activity", async () => {
    h = await Harness.start({ config: { heartbeatMs: 200 } })
    await h.register('hans')
    const { token } = (await h.auth.login('hans', PASSWORD)).session
    const tab = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${token}` })
    expect(await tab.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome' })
    h.clock.advance(20 * MINUTE)
    await heartbeats()
    // What the page sends by itself for any private request (the browser cannot hold a private link).
    await tab.request({ type: 'private_answer', requestId: 'req1', accept: false })
    h.clock.advance(11 * MINUTE)
    expect(await tab.waitForType('bye')).toMatchObject({ reason: 'revoked' })
  })
})
