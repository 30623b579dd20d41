/**
 * Chat on every device (issue 17) in the terminal: the real CLI in real pseudo-terminals against the
 * real gateway. One user signed in from two terminals at once gets every message in both, sees in
 * one what they sent from the other, and counts once for everybody else; with
 * CHAT_ONE_SESSION_PER_USER the second terminal gets the original refusal, word for word.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CliInPty } from './helpers/cli-process.js'
import { RealGateway } from './helpers/gateway.js'
import { PASSWORD_PROMPT, signIn as signInAt, Terminals, WELCOME } from './helpers/terminals.js'

vi.setConfig({ testTimeout: 120_000 })

let gateway: RealGateway
const terminals = new Terminals()

afterEach(async () => {
  terminals.killAll()
  await gateway.close()
})

/** A CLI signed in as `username` (registered by the first call for that name), at the prompt. */
async function signIn(username: string, expected = WELCOME): Promise<CliInPty> {
  if (!(await gateway.storage.users.getUserByKey(username))) await gateway.register(username)
  return signInAt(terminals.start(username, gateway), username, { prompt: PASSWORD_PROMPT, expected })
}

describe('one user in two terminals', () => {
  it('shows every message in both, what one sent in the other, and the user online once', async () => {
    gateway = await RealGateway.start()
    const luke = await signIn('luke')
    const first = await signIn('hans')
    await luke.waitForLine('hans logged in')
    const second = await signIn('hans')

    luke.enter('message hans hello both')
    await first.waitForLine('luke: hello both')
    await second.waitForLine('luke: hello both')

    first.enter('message luke sent from the first')
    await luke.waitForLine('hans: sent from the first')
    await second.waitForLine('you to luke: sent from the first')
    expect(first.lines()).not.toContain('you to luke: sent from the first')

    luke.enter('whoelse')
    await luke.waitForLine('hans')
    expect(luke.lines().filter((line) => line === 'hans logged in')).toHaveLength(1)
  })

  it('refuses the second terminal with the original line under CHAT_ONE_SESSION_PER_USER', async () => {
    gateway = await RealGateway.start({ oneSessionPerUser: true })
    await signIn('hans')
    const second = await signIn('hans', 'This account is already logged in elsewhere')
    expect(second.lines()).not.toContain(WELCOME)
  })
})
