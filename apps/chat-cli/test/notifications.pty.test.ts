/**
 * Board notifications in the terminal (issue 17): the real CLI in a real pseudo-terminal against the
 * real gateway prints `hans mentioned you on the board: <first words>` (and `… replied to your post: …`)
 * when the board publishes a notification for its user; the words are shown harmlessly.
 */
import { type BoardNotification, NOTIFICATIONS_CHANNEL } from '@parley/protocol'
import { describe, expect, it, vi } from 'vitest'
import type { CliInPty } from './helpers/cli-process.js'
import { gatewayForFile, PASSWORD_PROMPT, signIn, Terminals } from './helpers/terminals.js'

vi.setConfig({ testTimeout: 120_000 })

const gateway = gatewayForFile()
const terminals = new Terminals()

async function login(username: string): Promise<CliInPty> {
  await gateway().register(username)
  return signIn(terminals.start(username, gateway()), username, { prompt: PASSWORD_PROMPT })
}

function created(recipientId: number, kind: 'mention' | 'reply', excerpt: string): BoardNotification {
  return {
    type: 'created',
    recipientId,
    notification: { type: 'notification', kind, from: 'hans', excerpt, postId: 3, threadId: 2, at: 1, unread: 1 },
  }
}

describe('notifications in the terminal', () => {
  it('prints a line for a mention and for a reply, with the words made harmless', async () => {
    const cli = await login('luke')
    const luke = await gateway().storage.users.getUserByKey('luke')
    await gateway().bus.publish(NOTIFICATIONS_CHANNEL, created(luke!.id, 'mention', 'hi @luke, see this'))
    await cli.waitForLine('hans mentioned you on the board: hi @luke, see this')
    await gateway().bus.publish(NOTIFICATIONS_CHANNEL, created(luke!.id, 'reply', 'agreed \u001b[31mred'))
    await cli.waitForLine('hans replied to your post: agreed ^[[31mred')
    // Still at the prompt and working.
    expect(cli.lines().filter((line) => line.startsWith('hans '))).toHaveLength(2)
  })
})
