/**
 * Limits per user, not per socket: one account's connections share one rate limit, and how many
 * connections it may hold is capped (in the online directory, so across every gateway). Browser
 * tabs are the case: several cookie connections of one board session. Real TLS sockets.
 */
import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers/client.js'
import { BOARD_ORIGIN, Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

async function tabs(count: number, token: string): Promise<{ opened: TestClient[]; replies: unknown[] }> {
  const opened: TestClient[] = []
  const replies: unknown[] = []
  for (let i = 0; i < count; i++) {
    const tab = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${token}` })
    opened.push(tab)
    replies.push(await tab.request({ type: 'resume', v: 1 }))
  }
  return { opened, replies }
}

describe('per-user limits', () => {
  it("shares one rate limit between all of a user's connections", async () => {
    h = await Harness.start({ config: { userRatePerSecond: 1, userRateBurst: 10 } })
    await h.register('hans')
    const { token } = (await h.auth.login('hans', PASSWORD)).session
    const { opened } = await tabs(3, token)
    // 3 tabs × 5 requests: each tab alone is far under its own limit (1,000), together over the user's 10.
    const replies = await Promise.all(
      opened.flatMap((tab) => Array.from({ length: 5 }, () => tab.request({ type: 'whoelse' }))),
    )
    const limited = replies.filter((reply) => reply.type === 'error' && reply.code === ErrorCode.RateLimited)
    expect(limited.length).toBeGreaterThanOrEqual(4)
    expect(replies.filter((reply) => reply.type === 'users').length).toBeLessThanOrEqual(11)
  })

  it('caps the connections of one user (and so of its one session)', async () => {
    h = await Harness.start({ config: { maxConnectionsPerUser: 3 } })
    await h.register('hans')
    const { token } = (await h.auth.login('hans', PASSWORD)).session
    const { opened, replies } = await tabs(4, token)
    expect(replies.slice(0, 3)).toEqual([
      expect.objectContaining({ type: 'welcome' }),
      expect.objectContaining({ type: 'welcome' }),
      expect.objectContaining({ type: 'welcome' }),
    ])
    expect(replies[3]).toMatchObject({
      type: 'error',
      code: ErrorCode.RateLimited,
      message: expect.stringMatching(/Too many connections for this account/),
    })
    // Closing one makes room again.
    opened[0]!.close()
    await opened[0]!.waitClosed()
    await expect
      .poll(async () => ((await tabs(1, token)).replies[0] as { type: string }).type, { timeout: 5000 })
      .toBe('welcome')
  })
})
