/**
 * `search <words>` in the real CLI, in a real pseudo-terminal, against the real gateway: the user's
 * own conversation lines with their dates (the CLI runs with TZ=UTC), never anyone else's, and a
 * clear line when nothing matched.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CliInPty } from './helpers/cli-process.js'
import { PASSWORD, RealGateway } from './helpers/gateway.js'

vi.setConfig({ testTimeout: 120_000 })

const WELCOME = 'Welcome to the greatest messaging application ever!'

let gateway: RealGateway
const clis: CliInPty[] = []

beforeAll(async () => {
  gateway = await RealGateway.start()
})
afterAll(async () => {
  await gateway.close()
})
afterEach(() => {
  for (const cli of clis.splice(0)) cli.kill()
})

async function login(username: string): Promise<CliInPty> {
  const cli = new CliInPty(username, ['--server', gateway.url, '--ca', gateway.caPath], { TZ: 'UTC' })
  clis.push(cli)
  await cli.waitFor(() => cli.cursorLine() === 'Username:', 'the username prompt')
  cli.enter(username)
  await cli.waitFor(
    () => /^(Password|This is a new user\. Enter a password):$/.test(cli.cursorLine()),
    'a password prompt',
  )
  cli.enter(PASSWORD)
  await cli.waitForLine(WELCOME)
  return cli
}

describe('search in the chat CLI', () => {
  it('prints my matching messages as "date name: text" lines, and says when nothing matched', async () => {
    for (const name of ['hans', 'greta', 'eve']) await gateway.register(name)
    const ids = new Map<string, number>()
    for (const name of ['hans', 'greta', 'eve']) ids.set(name, (await gateway.storage.users.getUserByKey(name))!.id)
    const store = (from: string, to: string, body: string, createdAt: number) =>
      gateway.storage.messages.storeMessage({
        senderId: ids.get(from)!,
        recipientId: ids.get(to)!,
        clientId: `${from}-${createdAt}`,
        body,
        createdAt,
      })
    await store('hans', 'greta', 'which ferry do we take?', Date.UTC(2026, 2, 4, 9, 15))
    await store('greta', 'eve', 'a secret ferry plan', Date.UTC(2026, 2, 4, 9, 20))

    const hans = await login('hans')
    hans.enter('search ferry')
    await hans.waitForLine('2026-03-04 09:15 hans: which ferry do we take?')
    hans.enter('search "submarine" OR')
    await hans.waitForLine('No messages of yours match ""submarine" OR"')
    expect(hans.lines().join('\n')).not.toContain('secret')
    hans.enter('logout')
    expect(await hans.waitForExit()).toBe(0)
  })
})
