/**
 * Limits per user, not per socket: one account's connections share one rate limit, and how many
 * connections it may hold is capped (in the online directory, so across every gateway). Browser
 * tabs are the case: several cookie connections of one board session. Real TLS sockets.
 */
import { createMemoryAttemptStore } from '@parley/auth'
import { ErrorCode } from '@parley/protocol'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createGateway } from '../src/gateway.js'
import { TestClient } from './helpers/client.js'
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

describe('per-user rate across gateways', () => {
  it("refuses a user past the shared window's limit on every gateway", async () => {
    const shared = createMemoryAttemptStore()
    const config = { userRatePerSecond: 1, userRateBurst: 10 }
    h = await Harness.start({ config, sharedCounters: shared })
    // A second gateway on the same storage, counting into the same shared store.
    const other = await createGateway(
      { ...h.config, ...config, port: 0, instanceId: 'second' },
      {
        log: pino({ level: 'silent' }),
        storage: h.storage,
        auth: h.auth,
        tls: { key: h.certs.key, cert: h.certs.cert },
        sharedCounters: shared,
      },
    )
    try {
      await h.register('hans')
      const { token } = (await h.auth.login('hans', PASSWORD)).session
      const tabA = await h.connect({ origin: BOARD_ORIGIN, cookie: `__Host-parley=${token}` })
      const tabB = await TestClient.connect(`wss://127.0.0.1:${other.port}/`, {
        ca: h.certs.ca,
        origin: BOARD_ORIGIN,
        cookie: `__Host-parley=${token}`,
      })
      expect(await tabA.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome' })
      expect(await tabB.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome' })
      // 7 more on each: within each gateway's own bucket (10), together over the shared 11 a second.
      const sent = await Promise.all(
        [tabA, tabB].flatMap((tab) => Array.from({ length: 7 }, () => tab.request({ type: 'whoelse' }))),
      )
      expect(sent.every((reply) => reply.type === 'users')).toBe(true)
      // Each gateway learns the shared count when it reports (every 100 ms): one more frame may pass.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 250))
      await pause()
      await Promise.all([tabA.request({ type: 'whoelse' }), tabB.request({ type: 'whoelse' })])
      await pause()
      expect(await tabA.request({ type: 'whoelse' })).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
      expect(await tabB.request({ type: 'whoelse' })).toMatchObject({ type: 'error', code: ErrorCode.RateLimited })
      tabB.terminate()
    } finally {
      await other.close()
    }
  })
})
