/**
 * TRUST_PROXY: behind nginx the client's address comes from X-Forwarded-For, only when the
 * request comes from a listed proxy; the new session records it. "Trust everything" is refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

const PASSWORD = 'correct horse battery'
let board: TestBoard
afterEach(async () => {
  await board.close()
})

async function registeredSessionIp(forwardedFor: string): Promise<string | null> {
  const client = new Client(board.app, { 'x-forwarded-for': forwardedFor })
  await client.register(`u${Math.random().toString(36).slice(2, 10)}`, PASSWORD)
  const token = client.cookies.get('__Host-parley')!
  return (await board.storage.sessions.getSession(board.auth.hashToken(token)))?.ip ?? null
}

describe('TRUST_PROXY', () => {
  it('takes the client address from X-Forwarded-For sent by a listed proxy', async () => {
    board = await createTestBoard({ env: { TRUST_PROXY: '127.0.0.1' } })
    expect(await registeredSessionIp('203.0.113.7')).toBe('203.0.113.7')
  })

  it('ignores X-Forwarded-For without it, or from an address not listed', async () => {
    board = await createTestBoard()
    expect(await registeredSessionIp('203.0.113.7')).toBe('127.0.0.1')
    await board.close()
    board = await createTestBoard({ env: { TRUST_PROXY: '10.0.0.0/8' } })
    expect(await registeredSessionIp('203.0.113.7')).toBe('127.0.0.1')
  })

  it('reads a list and refuses trusting everyone or a malformed entry', () => {
    const load = (value: string) => loadConfig({ TRUST_PROXY: value }, { repoRoot: '/srv/parley', cwd: '/' })
    expect(load('10.0.1.5, 10.0.2.0/28 loopback ::1').trustProxy).toEqual([
      '10.0.1.5',
      '10.0.2.0/28',
      'loopback',
      '::1',
    ])
    for (const bad of ['true', '*', '0.0.0.0/0', '10.0.0.1 ::/0', 'nginx.internal', '10.0.0.0/33']) {
      expect(() => load(bad)).toThrow(ConfigError)
      expect(() => load(bad)).toThrow(/TRUST_PROXY/)
    }
  })
})
