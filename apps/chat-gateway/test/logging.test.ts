import { afterEach, describe, expect, it } from 'vitest'
import { BOARD_ORIGIN, Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  await h.close()
})

describe('logs', () => {
  it('carry connection and user ids but never passwords, tokens or message text', async () => {
    h = await Harness.start()
    const password = 'canary-password-7f3a9'
    await h.register('hans', password)
    await h.register('luke', password)
    const hans = await h.connect()
    await hans.request({ type: 'login', v: 1, username: 'hans', password: 'canary-wrong-1c2d' })
    const welcome = await hans.login('hans', password)
    const luke = await h.connect()
    await luke.login('luke', password)
    await hans.request({ type: 'message', to: 'luke', text: 'canary-message-b81e' })
    await hans.request({ type: 'broadcast', text: 'canary-broadcast-99c0' })
    hans.sendRaw('{"type":"message","text":"canary-bad-frame-4a4a"')
    await hans.waitForType('error', (e) => e.code === 'PROTO_BAD_MESSAGE')
    const board = await h.auth.login('luke', password)
    const tab = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${board.session.token}` })
    await tab.request({ type: 'resume', v: 1 }) // luke's second device: a session of its own
    hans.send({ type: 'logout' })
    await hans.waitClosed()
    await h.gateway.close()

    const log = h.logLines.join('')
    for (const secret of [
      password,
      'canary-wrong-1c2d',
      'canary-message-b81e',
      'canary-broadcast-99c0',
      'canary-bad-frame-4a4a',
      welcome.token!,
      board.session.token,
    ]) {
      expect(log).not.toContain(secret)
    }
    const entries = h.logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const signedIn = entries.filter((entry) => entry.msg === 'signed in')
    expect(signedIn).toHaveLength(3)
    expect(signedIn.every((entry) => typeof entry.connId === 'string' && typeof entry.userId === 'number')).toBe(true)
  })
})
