/**
 * `search <words>` in the real CLI, in a real pseudo-terminal, against the real gateway: the user's
 * own conversation lines with their dates (the CLI runs with TZ=UTC), never anyone else's, and a
 * clear line when nothing matched.
 */
import { describe, expect, it, vi } from 'vitest'
import type { CliInPty } from './helpers/cli-process.js'
import { gatewayForFile, signIn, Terminals } from './helpers/terminals.js'

vi.setConfig({ testTimeout: 120_000 })

const gateway = gatewayForFile()
const terminals = new Terminals()

/** Dates are printed in the CLI's zone: UTC, for fixed expectations. */
const login = (username: string): Promise<CliInPty> =>
  signIn(terminals.start(username, gateway(), { TZ: 'UTC' }), username)

describe('search in the chat CLI', () => {
  it('prints my matching messages as "date name: text" lines, and says when nothing matched', async () => {
    for (const name of ['hans', 'greta', 'eve']) await gateway().register(name)
    const ids = new Map<string, number>()
    for (const name of ['hans', 'greta', 'eve']) ids.set(name, (await gateway().storage.users.getUserByKey(name))!.id)
    const store = (from: string, to: string, body: string, createdAt: number) =>
      gateway().storage.messages.storeMessage({
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
