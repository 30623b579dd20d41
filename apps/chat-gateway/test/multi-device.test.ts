/**
 * Chat on every device (issue 17): one user signed in from several devices at once, each with a
 * session of its own (a terminal's login, a phone's browser, a laptop's browser). Each device gets
 * every message live; a message confirmed on one leaves the queue for all; presence counts the user
 * once, and a device that closes leaves a grace before "offline" so a page reload or a move to
 * another board page never flickers. The same across two gateways on one Redis.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers/client.js'
import { BOARD_ORIGIN, Harness, PASSWORD } from './helpers/harness.js'
import { GatewayPair } from './helpers/pair.js'

const presenceOf = (client: TestClient, user: string, since = 0) =>
  client.frames.slice(since).filter((f) => f.type === 'presence' && f.user === user)

const sawPresence = (client: TestClient, user: string, state: 'online' | 'offline', since = 0) =>
  client.waitForType('presence', (p) => p.user === user && p.state === state, { since })

/** Closes a device's socket without a logout (a page left, a laptop lid shut). */
async function closeDevice(client: TestClient): Promise<void> {
  client.close()
  await client.waitClosed()
}

describe('one user on several devices, one gateway', () => {
  let h: Harness
  afterEach(async () => {
    await h.close()
  })

  it('lets every device sign in; each gets every message; one confirmation takes it off the queue for all', async () => {
    h = await Harness.start({ config: { presenceGraceMs: 60_000 } })
    const luke = await h.loginAs('luke')
    const terminal = await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online')
    // A second session of hans (his phone's browser, signed in to the board there).
    const board = await h.auth.login('hans', PASSWORD)
    const phone = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${board.session.token}` })
    expect(await phone.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome', username: 'hans' })
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    expect(presenceOf(luke, 'hans')).toHaveLength(1)

    const ack = await luke.request({ type: 'message', to: 'hans', text: 'to every device' })
    expect(ack).toMatchObject({ type: 'ack', delivered: true })
    const onTerminal = await terminal.waitForType('message', (m) => m.text === 'to every device')
    const onPhone = await phone.waitForType('message', (m) => m.text === 'to every device')
    expect(onPhone).toEqual(onTerminal)

    // Confirmed on the terminal: no longer queued for anyone.
    const hansId = await h.userId('hans')
    terminal.send({ type: 'received', ids: [onTerminal.messageId] })
    await expect.poll(() => h.storage.messages.pendingMessages(hansId, 10)).toEqual([])
    // A third device signing in now is not pushed it as queued, yet its history has it.
    const laptop = await h.loginAs('hans')
    const history = await laptop.request({ type: 'history', with: 'luke' })
    expect(history.type === 'history' && history.messages).toEqual([
      expect.objectContaining({ messageId: onTerminal.messageId, text: 'to every device', delivered: true }),
    ])
    expect(laptop.ofType('message')).toEqual([])
    // What hans sends from one device shows on his others (not on the one that sent it).
    expect(await phone.request({ type: 'message', to: 'luke', text: 'from my phone' })).toMatchObject({ type: 'ack' })
    const echo = await terminal.waitForType('sent', (m) => m.text === 'from my phone')
    expect(echo).toMatchObject({ to: 'luke', at: expect.any(Number) })
    await laptop.waitForType('sent', (m) => m.messageId === echo.messageId)
    await luke.waitForType('message', (m) => m.messageId === echo.messageId)
    expect(phone.ofType('sent')).toEqual([])
    // The phone, which never confirmed, still shows it (it had it live) and confirms harmlessly.
    phone.send({ type: 'received', ids: [onPhone.messageId] })
    expect(await phone.request({ type: 'whoelse' })).toMatchObject({ users: ['luke'] })
    expect(presenceOf(luke, 'hans')).toHaveLength(1)
  })

  it('keeps a user online while any device is open, and through a short gap after the last one closes', async () => {
    h = await Harness.start({ config: { presenceGraceMs: 60_000 } })
    const luke = await h.loginAs('luke')
    const phone = await h.loginAs('hans')
    const laptop = await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online')
    const since = luke.frames.length

    await closeDevice(phone)
    await closeDevice(laptop)
    // The last device went (a board page left for another): hans is still online in the grace.
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    const back = await h.loginAs('hans')
    expect(back.ofType('welcome')[0]!.online).toEqual(['luke'])
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    expect(presenceOf(luke, 'hans', since)).toEqual([])

    // A logout is meant: announced at once, grace or not, and only once.
    back.send({ type: 'logout' })
    await sawPresence(luke, 'hans', 'offline', since)
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: [] })
    expect(presenceOf(luke, 'hans', since)).toHaveLength(1)
  })

  it('announces the user offline once the grace after the last device ends', async () => {
    h = await Harness.start({ config: { presenceGraceMs: 300 } })
    const luke = await h.loginAs('luke')
    const phone = await h.loginAs('hans')
    const laptop = await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online')
    const since = luke.frames.length
    await closeDevice(phone)
    laptop.terminate()
    await sawPresence(luke, 'hans', 'offline', since)
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: [] })
    expect(presenceOf(luke, 'hans', since)).toHaveLength(1)
    // Signing in again is a new "online".
    await h.loginAs('hans')
    await sawPresence(luke, 'hans', 'online', since)
  })
})

describe('one user on several devices, two gateways on one Redis', () => {
  let pair: GatewayPair
  afterEach(async () => {
    expect(pair.invalidFrames()).toEqual([])
    await pair.close()
  })

  it('signs a user in on both gateways, delivers to both, and counts the user once', async () => {
    pair = await GatewayPair.start({ config: { presenceGraceMs: 60_000 } })
    const luke = await pair.loginAs(1, 'luke')
    const onA = await pair.loginAs(0, 'hans')
    await sawPresence(luke, 'hans', 'online')
    const onB = await pair.loginAs(1, 'hans')
    expect(onB.ofType('welcome')[0]).toMatchObject({ username: 'hans', online: ['luke'] })
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })

    expect(await luke.request({ type: 'message', to: 'hans', text: 'both gateways' })).toMatchObject({
      delivered: true,
    })

    const first = await onA.waitForType('message', (m) => m.text === 'both gateways')
    const second = await onB.waitForType('message', (m) => m.text === 'both gateways')
    expect(second.messageId).toBe(first.messageId)
    onB.send({ type: 'received', ids: [second.messageId] })
    const hansId = await pair.userId('hans')
    await expect.poll(() => pair.storage.messages.pendingMessages(hansId, 10)).toEqual([])
    // Sent from gateway B, shown on gateway A.
    await onB.request({ type: 'message', to: 'luke', text: 'echo across' })
    expect(await onA.waitForType('sent', (m) => m.text === 'echo across')).toMatchObject({ to: 'luke' })

    // Leaving gateway A and coming back on gateway B within the grace: nobody sees a change.
    const since = luke.frames.length
    await closeDevice(onA)
    await closeDevice(onB)
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    const again = await pair.loginAs(1, 'hans')
    expect(await luke.request({ type: 'whoelse' })).toMatchObject({ users: ['hans'] })
    expect(presenceOf(luke, 'hans', since)).toEqual([])
    again.send({ type: 'logout' })
    await sawPresence(luke, 'hans', 'offline', since)
    expect(presenceOf(luke, 'hans', since)).toHaveLength(1)
  })

  it('announces offline once, from whichever gateway held the last grace', async () => {
    pair = await GatewayPair.start({ config: { presenceGraceMs: 300 } })
    const luke = await pair.loginAs(0, 'luke')
    const onA = await pair.loginAs(0, 'hans')
    const onB = await pair.loginAs(1, 'hans')
    await sawPresence(luke, 'hans', 'online')
    const since = luke.frames.length
    await closeDevice(onB)
    onA.terminate()
    await sawPresence(luke, 'hans', 'offline', since)
    // Signing in again is a new "online".
    await pair.loginAs(1, 'hans')
    await sawPresence(luke, 'hans', 'online', since)
    expect(presenceOf(luke, 'hans', since).map((p) => p.type === 'presence' && p.state)).toEqual(['offline', 'online'])
  })
})
