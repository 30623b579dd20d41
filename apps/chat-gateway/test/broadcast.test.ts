import { afterEach, describe, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('broadcast', () => {
  it('reaches every other online user, not the sender', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    expect(await hans.request({ type: 'broadcast', text: 'Hello all' })).toMatchObject({ type: 'ack', skipped: false })
    expect(await luke.waitForType('broadcast')).toMatchObject({ from: 'hans', text: 'Hello all' })
    expect(await yoda.waitForType('broadcast')).toMatchObject({ from: 'hans', text: 'Hello all' })
    await hans.request({ type: 'whoelse' })
    expect(hans.ofType('broadcast')).toEqual([])
  })

  it('skips users who blocked the sender and says so; is not queued for offline users', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await h.register('leia')
    await yoda.request({ type: 'block', user: 'hans' })
    // Users hans blocked still get his broadcasts; only blocking the sender keeps them out.
    await hans.request({ type: 'block', user: 'luke' })
    expect(await hans.request({ type: 'broadcast', text: 'anyone?' })).toMatchObject({ type: 'ack', skipped: true })
    await luke.waitForType('broadcast', (b) => b.text === 'anyone?')
    await yoda.request({ type: 'whoelse' })
    expect(yoda.ofType('broadcast')).toEqual([])
    const leia = await h.loginAs('leia')
    await leia.request({ type: 'whoelse' })
    expect(leia.ofType('broadcast')).toEqual([])
  })

  it('answers a resent broadcast id again without sending it twice', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    await hans.request({ type: 'broadcast', id: 'bcast-1', text: 'once' })
    expect(await hans.request({ type: 'broadcast', id: 'bcast-1', text: 'once' })).toMatchObject({
      type: 'ack',
      replyTo: 'bcast-1',
      skipped: false,
    })
    await luke.request({ type: 'whoelse' })
    expect(luke.ofType('broadcast').map((b) => b.text)).toEqual(['once'])
  })
})
