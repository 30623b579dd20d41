/**
 * Board notifications in the terminal (issue 17): the real CLI in a real pseudo-terminal against the
 * real gateway prints `hans mentioned you on the board: <first words>` (and `… replied to your post: …`)
 * when the board publishes a notification for its user; the words are shown harmlessly.
 */
import { type BoardNotification, NOTIFICATIONS_CHANNEL } from '@parley/protocol'
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
  await gateway.register(username)
  const cli = new CliInPty(username, ['--server', gateway.url, '--ca', gateway.caPath])
  clis.push(cli)
  await cli.waitFor(() => cli.cursorLine() === 'Username:', 'the username prompt')
  cli.enter(username)
  await cli.waitFor(() => cli.cursorLine() === 'Password:', 'the password prompt')
  cli.enter(PASSWORD)
  await cli.waitForLine(WELCOME)
  return cli
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
    const luke = await gateway.storage.users.getUserByKey('luke')
    await gateway.bus.publish(NOTIFICATIONS_CHANNEL, created(luke!.id, 'mention', 'hi @luke, see this'))
    await cli.waitForLine('hans mentioned you on the board: hi @luke, see this')
    await gateway.bus.publish(NOTIFICATIONS_CHANNEL, created(luke!.id, 'reply', 'agreed \u001b[31mred'))
    await cli.waitForLine('hans replied to your post: agreed ^[[31mred')
    // Still at the prompt and working.
    expect(cli.lines().filter((line) => line.startsWith('hans '))).toHaveLength(2)
  })
})
