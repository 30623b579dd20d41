/**
 * Behind a reverse proxy the client's address comes from X-Forwarded-For, and only when the
 * connection comes from a trusted proxy: sessions record it (the sessions page shows it).
 */
import { once } from 'node:events'
import { SUBPROTOCOL } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { Harness, PASSWORD } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  await h.close()
})

/** Logs in with an X-Forwarded-For header; returns the IP the new session was recorded with. */
async function sessionIpWith(forwardedFor: string): Promise<string | null> {
  const ws = new WebSocket(h.url, [SUBPROTOCOL], { ca: h.certs.ca, headers: { 'x-forwarded-for': forwardedFor } })
  await once(ws, 'open')
  ws.send(JSON.stringify({ type: 'login', id: 'l1', v: 1, username: 'hans', password: PASSWORD }))
  const [data] = await once(ws, 'message')
  const welcome = JSON.parse(String(data)) as { type: string; token: string }
  expect(welcome.type).toBe('welcome')
  ws.terminate()
  const session = await h.storage.sessions.getSession(h.auth.hashToken(welcome.token))
  await h.auth.logout(welcome.token)
  return session?.ip ?? null
}

describe('TRUST_PROXY', () => {
  it('takes the client address from X-Forwarded-For only from a trusted proxy', async () => {
    h = await Harness.start({ config: { trustProxy: ['127.0.0.1'] } })
    await h.register('hans')
    expect(await sessionIpWith('203.0.113.7')).toBe('203.0.113.7')
    // The proxy appends: the address just before the trusted hop is the client's.
    expect(await sessionIpWith('198.51.100.1, 203.0.113.8')).toBe('203.0.113.8')
  })

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    h = await Harness.start()
    await h.register('hans')
    expect(await sessionIpWith('203.0.113.7')).toMatch(/127\.0\.0\.1$/)
  })

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    h = await Harness.start({ config: { trustProxy: ['10.9.9.9'] } })
    await h.register('hans')
    expect(await sessionIpWith('203.0.113.7')).toMatch(/127\.0\.0\.1$/)
  })
})
