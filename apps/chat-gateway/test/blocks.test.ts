import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('block and unblock', () => {
  it('acks with the user, refuses self and unknown users, and unblocking a user not blocked', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.register('yoda')
    expect(await hans.request({ type: 'block', user: 'yoda' })).toMatchObject({ type: 'ack', user: 'yoda' })
    expect(await hans.request({ type: 'block', user: 'yoda' })).toMatchObject({ type: 'ack', user: 'yoda' })
    expect(await hans.request({ type: 'block', user: 'hans' })).toMatchObject({
      type: 'error',
      code: ErrorCode.SelfTarget,
    })
    expect(await hans.request({ type: 'block', user: 'nobody' })).toMatchObject({
      code: ErrorCode.UnknownUser,
      user: 'nobody',
    })
    expect(await hans.request({ type: 'unblock', user: 'yoda' })).toMatchObject({ type: 'ack', user: 'yoda' })
    expect(await hans.request({ type: 'unblock', user: 'yoda' })).toMatchObject({
      code: ErrorCode.NotBlocked,
      user: 'yoda',
    })
    expect(await hans.request({ type: 'unblock', user: 'nobody' })).toMatchObject({ code: ErrorCode.UnknownUser })
  })

  it('unblocking lets messages through again', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const yoda = await h.loginAs('yoda')
    await yoda.request({ type: 'block', user: 'hans' })
    expect(await hans.request({ type: 'message', to: 'yoda', text: 'x' })).toMatchObject({
      code: ErrorCode.BlockedByRecipient,
    })
    await yoda.request({ type: 'unblock', user: 'hans' })
    expect(await hans.request({ type: 'message', to: 'yoda', text: 'through' })).toMatchObject({ type: 'ack' })
    await yoda.waitForType('message', (m) => m.text === 'through')
  })

  it('keeps blocks and queued messages across a gateway restart', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const yoda = await h.loginAs('yoda')
    await yoda.request({ type: 'block', user: 'hans' })
    yoda.send({ type: 'logout' })
    await yoda.waitClosed()
    await hans.request({ type: 'message', to: 'yoda', text: 'refused' })
    await h.register('luke')
    await hans.request({ type: 'message', to: 'luke', text: 'kept for luke' })

    await h.restart()
    expect((await hans.waitClosed()).code).toBe(1001)
    expect(hans.ofType('bye').at(-1)).toMatchObject({ reason: 'shutdown' })

    const yoda2 = await h.loginAs('yoda')
    expect(yoda2.ofType('welcome')[0]!.blocked).toEqual(['hans'])
    const hans2 = await h.loginAs('hans')
    expect(await hans2.request({ type: 'message', to: 'yoda', text: 'still refused' })).toMatchObject({
      code: ErrorCode.BlockedByRecipient,
    })
    const luke = await h.loginAs('luke')
    expect(await luke.waitForType('message')).toMatchObject({ from: 'hans', text: 'kept for luke', offline: true })
  })
})
