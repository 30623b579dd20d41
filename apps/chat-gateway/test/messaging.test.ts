import { ErrorCode } from '@parley/protocol'
import { StorageError, StorageErrorCode } from '@parley/storage'
import { afterEach, describe, expect, it } from 'vitest'
import { OFFLINE_BATCH } from '../src/offline-queue.js'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('message', () => {
  it('delivers at once to an online recipient, after an ack naming the stored message', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const ack = await hans.request({ type: 'message', to: 'luke', text: 'Hello there' })
    expect(ack).toMatchObject({ type: 'ack', delivered: true })
    const messageId = ack.type === 'ack' ? ack.messageId : undefined
    expect(messageId).toBeGreaterThan(0)
    expect(await luke.waitForType('message')).toMatchObject({
      messageId,
      from: 'hans',
      text: 'Hello there',
      offline: false,
    })
    const [row] = await h.storage.messages.pendingMessages(await h.userId('luke'))
    expect(row).toMatchObject({ id: messageId, body: 'Hello there', senderName: 'hans' })
  })

  it('keeps messages order, to an online recipient as to an offline one', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.register('luke')
    const texts = Array.from({ length: 30 }, (_, i) => `offline ${i}`)
    for (const text of texts) hans.send({ type: 'message', to: 'luke', text })
    await hans.waitFor(() => hans.ofType('ack').length === texts.length)
    expect(hans.ofType('ack').every((ack) => ack.delivered === false)).toBe(true)

    const luke = await h.connect()
    const welcome = await luke.login('luke', PASSWORD)
    await luke.waitFor(() => luke.ofType('message').length === texts.length)
    expect(luke.ofType('message').map((m) => m.text)).toEqual(texts)
    expect(luke.ofType('message').every((m) => m.offline && m.from === 'hans')).toBe(true)
    // The queue comes after the welcome.
    expect(luke.frames.indexOf(welcome)).toBeLessThan(luke.frames.indexOf(luke.ofType('message')[0]!))

    const live = Array.from({ length: 30 }, (_, i) => `live ${i}`)
    for (const text of live) hans.send({ type: 'message', to: 'luke', text })
    await luke.waitFor(() => luke.ofType('message').length === texts.length + live.length)
    expect(
      luke
        .ofType('message')
        .slice(texts.length)
        .map((m) => [m.text, m.offline]),
    ).toEqual(live.map((text) => [text, false]))
  })

  it('refuses unknown users, oneself, and recipients who blocked the sender; stores nothing', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const yoda = await h.loginAs('yoda')
    expect(await hans.request({ type: 'message', to: 'nobody', text: 'hi' })).toMatchObject({
      type: 'error',
      code: ErrorCode.UnknownUser,
      user: 'nobody',
    })
    expect(await hans.request({ type: 'message', to: 'bad name!', text: 'hi' })).toMatchObject({
      code: ErrorCode.UnknownUser,
    })
    expect(await hans.request({ type: 'message', to: 'HANS', text: 'hi' })).toMatchObject({
      code: ErrorCode.SelfTarget,
    })
    await yoda.request({ type: 'block', user: 'hans' })
    expect(await hans.request({ type: 'message', to: 'yoda', text: 'hi' })).toMatchObject({
      code: ErrorCode.BlockedByRecipient,
      user: 'yoda',
    })
    // yoda may still write to hans (the block is one way for messages).
    expect(await yoda.request({ type: 'message', to: 'hans', text: 'I blocked you' })).toMatchObject({ type: 'ack' })
    const conversation = await h.storage.messages.conversation(await h.userId('hans'), await h.userId('yoda'), {
      limit: 10,
    })
    expect(conversation.map((row) => row.body)).toEqual(['I blocked you'])
  })

  it('stores and delivers a resent id once, and acks it again with the same message id', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const first = await hans.request({ type: 'message', id: 'msg-0001-abcdefgh', to: 'luke', text: 'once' })
    // luke shows and confirms it, so a second push would reach him again.
    luke.send({ type: 'received', ids: [(await luke.waitForType('message')).messageId] })
    await luke.request({ type: 'whoelse' })
    const again = await hans.request({ type: 'message', id: 'msg-0001-abcdefgh', to: 'luke', text: 'once' })
    expect(again).toMatchObject({ type: 'ack', replyTo: 'msg-0001-abcdefgh' })
    expect(first.type === 'ack' && first.messageId).toBe(again.type === 'ack' && again.messageId)

    // And after a reconnect (the CLI resends what was not acked before the drop).
    const { token } = hans.ofType('welcome')[0]!
    hans.terminate()
    const hans2 = await h.connect()
    expect(await hans2.request({ type: 'resume', v: 1, token })).toMatchObject({ type: 'welcome' })
    const third = await hans2.request({ type: 'message', id: 'msg-0001-abcdefgh', to: 'luke', text: 'once' })
    expect(third.type === 'ack' && third.messageId).toBe(first.type === 'ack' && first.messageId)

    await luke.request({ type: 'whoelse' })
    expect(luke.ofType('message').map((m) => m.text)).toEqual(['once'])
    const rows = await h.storage.messages.conversation(await h.userId('hans'), await h.userId('luke'), { limit: 10 })
    expect(rows).toHaveLength(1)
  })
})

describe('offline queue', () => {
  it('a confirmed message leaves the queue; an unconfirmed one comes back at the next login', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    await hans.request({ type: 'message', to: 'luke', text: 'confirmed' })
    const shown = await luke.waitForType('message')
    luke.send({ type: 'received', ids: [shown.messageId] })
    await hans.request({ type: 'message', to: 'luke', text: 'never confirmed' })
    const unconfirmed = await luke.waitForType('message', (m) => m.text === 'never confirmed')
    await luke.request({ type: 'whoelse' }) // the `received` before it is processed
    luke.send({ type: 'logout' })
    await luke.waitClosed()

    const pending = await h.storage.messages.pendingMessages(await h.userId('luke'))
    expect(pending.map((row) => row.body)).toEqual(['never confirmed'])

    const again = await h.loginAs('luke')
    const redelivered = await again.waitForType('message')
    expect(redelivered).toMatchObject({ messageId: unconfirmed.messageId, text: 'never confirmed', offline: true })
    again.confirm()
    await again.request({ type: 'whoelse' })
    expect(await h.storage.messages.pendingMessages(await h.userId('luke'))).toEqual([])
    again.send({ type: 'logout' })
    await again.waitClosed()
    const third = await h.loginAs('luke')
    await third.request({ type: 'whoelse' })
    expect(third.ofType('message')).toEqual([])
  })

  it('pushes a long queue in batches, the next once the previous is confirmed', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.register('luke')
    const count = OFFLINE_BATCH + 20
    for (let i = 0; i < count; i++) hans.send({ type: 'message', to: 'luke', text: `m${i}` })
    await hans.waitFor(() => hans.ofType('ack').length === count)
    const luke = await h.loginAs('luke')
    await luke.waitFor(() => luke.ofType('message').length === OFFLINE_BATCH)
    await luke.request({ type: 'whoelse' })
    expect(luke.ofType('message')).toHaveLength(OFFLINE_BATCH)
    luke.confirm()
    await luke.waitFor(() => luke.ofType('message').length === count)
    expect(luke.ofType('message').map((m) => m.text)).toEqual(Array.from({ length: count }, (_, i) => `m${i}`))
  })
})

describe('history', () => {
  it('pages the conversation with one user, newest first', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    for (let i = 0; i < 5; i++) await hans.request({ type: 'message', to: 'luke', text: `h${i}` })
    await luke.request({ type: 'message', to: 'hans', text: 'reply' })
    const page = await hans.request({ type: 'history', with: 'luke', limit: 3 })
    expect(page.type).toBe('history')
    if (page.type !== 'history') return
    expect(page.with).toBe('luke')
    expect(page.messages.map((m) => [m.from, m.to, m.text])).toEqual([
      ['luke', 'hans', 'reply'],
      ['hans', 'luke', 'h4'],
      ['hans', 'luke', 'h3'],
    ])
    const next = await hans.request({ type: 'history', with: 'luke', before: page.messages.at(-1)!.messageId })
    expect(next.type === 'history' && next.messages.map((m) => m.text)).toEqual(['h2', 'h1', 'h0'])
    expect(await hans.request({ type: 'history', with: 'nobody' })).toMatchObject({ code: ErrorCode.UnknownUser })
  })
})

describe('storage failures', () => {
  it('does not ack a message the storage could not take, and says why', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.register('luke')
    h.failNext('storeMessage', new StorageError(StorageErrorCode.Unavailable, 'database is locked'))
    expect(await hans.request({ type: 'message', id: 'not-stored-1', to: 'luke', text: 'x' })).toMatchObject({
      type: 'error',
      replyTo: 'not-stored-1',
      code: ErrorCode.StorageUnavailable,
    })
    h.failNext('storeMessage', new Error('disk on fire'))
    const internal = await hans.request({ type: 'message', id: 'not-stored-2', to: 'luke', text: 'x' })
    expect(internal).toMatchObject({ type: 'error', code: ErrorCode.Internal, message: 'Internal error' })
    expect(JSON.stringify(internal)).not.toContain('disk on fire')
    expect(await h.storage.messages.pendingMessages(await h.userId('luke'))).toEqual([])
    // The resend, once storage is back, goes through.
    expect(await hans.request({ type: 'message', id: 'not-stored-1', to: 'luke', text: 'x' })).toMatchObject({
      type: 'ack',
    })
  })

  it('closes with 1011 when the offline queue cannot be read; resuming delivers it', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.register('luke')
    await hans.request({ type: 'message', to: 'luke', text: 'waiting' })
    h.failNext('pendingMessages', new Error('read failed'))
    const luke = await h.connect()
    const { token } = await luke.login('luke', PASSWORD)
    expect((await luke.waitClosed()).code).toBe(1011)
    const again = await h.connect()
    expect(await again.request({ type: 'resume', v: 1, token })).toMatchObject({ type: 'welcome' })
    expect(await again.waitForType('message')).toMatchObject({ text: 'waiting', offline: true })
  })
})
