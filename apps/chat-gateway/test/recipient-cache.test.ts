/** The recipient of a direct message is remembered for a few seconds, and never past its deletion. */
import { ErrorCode } from '@parley/protocol'
import { afterEach, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  await h.close()
})

it('refuses a message to a recipient deleted after an earlier message remembered them', async () => {
  h = await Harness.start()
  const hans = await h.loginAs('hans')
  await h.register('leia')
  expect(await hans.request({ type: 'message', to: 'leia', text: 'first' })).toMatchObject({ type: 'ack' })
  await h.storage.users.deleteUser(await h.userId('leia'))
  expect(await hans.request({ type: 'message', to: 'leia', text: 'second' })).toMatchObject({
    type: 'error',
    code: ErrorCode.UnknownUser,
    user: 'leia',
  })
  // A new account of that name, made while the deleted one is still remembered, gets the message.
  await h.register('luke')
  expect(await hans.request({ type: 'message', to: 'luke', text: 'third' })).toMatchObject({ type: 'ack' })
  await h.storage.users.deleteUser(await h.userId('luke'))
  await h.register('luke')
  const luke = await h.loginAs('luke')
  expect(await hans.request({ type: 'message', to: 'luke', text: 'fourth' })).toMatchObject({ type: 'ack' })
  const received = await luke.waitForType('message', (m) => m.text === 'fourth')
  expect(received.from).toBe('hans')
})
