/**
 * The board's sign-in and registration limits go through @parley/auth's attempt limiter (shared
 * with the chat gateway): an IPv6 client is counted by its /64, and new accounts are capped per
 * address an hour.
 */
import { describe, expect, it } from 'vitest'
import { Client, createTestBoard, ORIGIN } from './support.js'

async function post(client: Client, url: string, remoteAddress: string, form: Record<string, string>) {
  const token = await client.csrfToken(url)
  return client.request({
    method: 'POST',
    url,
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
    payload: new URLSearchParams({ _csrf: token, ...form }).toString(),
  })
}

describe('board sign-in limits', () => {
  it('counts IPv6 clients by their /64, not by their full address', async () => {
    const board = await createTestBoard({ env: { AUTH_RATE_LIMIT: '2' } })
    try {
      const statuses: number[] = []
      for (const address of ['2001:db8:7:8::1', '2001:db8:7:8::2', '2001:db8:7:8:abcd::3']) {
        statuses.push(
          (
            await post(new Client(board.app), '/login', address, {
              username: `x${address.length}${statuses.length}`,
              password: 'guess one',
            })
          ).statusCode,
        )
      }
      expect(statuses).toEqual([401, 401, 429])
      // Another /64 has its own budget.
      const other = await post(new Client(board.app), '/login', '2001:db8:7:9::1', {
        username: 'y1',
        password: 'guess one',
      })
      expect(other.statusCode).toBe(401)
    } finally {
      await board.close()
    }
  })

  it('caps new accounts per address an hour (a taken name creates nothing and is not counted as one)', async () => {
    const board = await createTestBoard({ env: { AUTH_CREATE_RATE_LIMIT: '2' } })
    try {
      const statuses: number[] = []
      for (const name of ['maker1', 'maker2', 'maker3']) {
        statuses.push(
          (
            await post(new Client(board.app), '/register', '192.0.2.50', {
              username: name,
              password: 'a long password',
            })
          ).statusCode,
        )
      }
      expect(statuses).toEqual([303, 303, 429])
      expect(await board.storage.users.getUserByKey('maker3')).toBeNull()
      const refused = await post(new Client(board.app), '/register', '192.0.2.50', {
        username: 'maker4',
        password: 'a long password',
      })
      expect(refused.body).toMatch(/Too many new accounts from your address/)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000)
      // Another address may still register.
      expect(
        (
          await post(new Client(board.app), '/register', '192.0.2.51', {
            username: 'maker5',
            password: 'a long password',
          })
        ).statusCode,
      ).toBe(303)
    } finally {
      await board.close()
    }
  })
})
