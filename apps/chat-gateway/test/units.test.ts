import { describe, expect, it } from 'vitest'
import { decodeBusEvent } from '../src/bus-events.js'
import { PrivateBroker } from '../src/cluster/private-broker.js'
import { TokenBucket } from '../src/rate-limit.js'
import { RecentIds } from '../src/recent-ids.js'
import { Registry } from '../src/registry.js'

describe('Registry', () => {
  const entry = (connId: string, sessionHash: string, kind: 'token' | 'cookie' = 'token') => ({
    connection: connId,
    connId,
    sessionHash,
    kind,
  })

  it('reports the first and the last connection of a user', () => {
    const registry = new Registry<string>()
    expect(registry.add(1, 'hans', entry('a', 's1', 'cookie'))).toBe(true)
    expect(registry.add(1, 'hans', entry('b', 's2', 'token'))).toBe(false)
    expect(registry.connectionsOf(1)).toEqual(['a', 'b'])
    expect(registry.entriesOf(1).map((e) => [e.connId, e.sessionHash, e.kind])).toEqual([
      ['a', 's1', 'cookie'],
      ['b', 's2', 'token'],
    ])
    expect([registry.userCount, registry.connectionCount]).toEqual([1, 2])
    expect(registry.remove(1, 'a')).toBe(false)
    expect(registry.remove(1, 'a')).toBe(false)
    expect(registry.connectionsOf(1)).toEqual(['b'])
    expect(registry.remove(1, 'b')).toBe(true)
    expect(registry.connectionsOf(1)).toEqual([])
    expect(registry.remove(2, 'x')).toBe(false)
    expect([registry.userCount, registry.connectionCount]).toEqual([0, 0])
  })

  it('visits every connection with its user', () => {
    const registry = new Registry<string>()
    registry.add(1, 'hans', entry('cli', 's1'))
    registry.add(1, 'hans', entry('cli2', 's1'))
    registry.add(2, 'anna', entry('c', 's3', 'cookie'))
    const seen: [number, string][] = []
    registry.forEachConnection((userId, connection) => seen.push([userId, connection]))
    expect(seen).toEqual([
      [1, 'cli'],
      [1, 'cli2'],
      [2, 'c'],
    ])
  })
})

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const bucket = new TokenBucket(2, 3, 0)
    expect([bucket.take(1, 0), bucket.take(1, 0), bucket.take(1, 0), bucket.take(1, 0)]).toEqual([
      true,
      true,
      true,
      false,
    ])
    expect(bucket.retryAfterMs(1, 0)).toBe(500)
    expect(bucket.take(1, 499)).toBe(false)
    expect(bucket.take(1, 500)).toBe(true)
    expect(bucket.take(0.1, 500)).toBe(false)
    expect(bucket.take(3, 100_000)).toBe(true)
    expect(bucket.take(0.5, 100_000)).toBe(false)
  })
})

describe('RecentIds', () => {
  it('forgets the oldest beyond its capacity', () => {
    const ids = new RecentIds<number>(2)
    ids.set('a', 1)
    ids.set('b', 2)
    ids.set('c', 3)
    expect([ids.get('a'), ids.get('b'), ids.get('c'), ids.size]).toEqual([undefined, 2, 3, 2])
  })
})

describe('PrivateBroker', () => {
  it('hands a request once, to its addressee, before it expires', () => {
    const broker = new PrivateBroker(1000)
    const base = { fromUserId: 1, from: 'hans', fromConnId: 'c', toUserId: 2, to: 'luke' }
    broker.open({ ...base, requestId: 'r1' }, 0)
    expect(broker.take('r1', 3, 10)).toBeNull()
    expect(broker.take('r1', 2, 10)).toMatchObject({ requestId: 'r1', expiresAt: 1000 })
    expect(broker.take('r1', 2, 10)).toBeNull()
    broker.open({ ...base, requestId: 'r2' }, 0)
    expect(broker.take('r2', 2, 1000)).toBeNull()
    expect(broker.size).toBe(0)
  })
})

describe('decodeBusEvent', () => {
  const hash = 'f'.repeat(64)
  it('accepts every event kind after a JSON round trip', () => {
    const events = [
      { kind: 'deliver', userId: 1, frame: { type: 'private_declined', user: 'x' } },
      {
        kind: 'deliver',
        userId: 1,
        connId: 'c1',
        frame: { type: 'message', messageId: 4, from: 'hans', text: 'hi', at: 5, offline: false },
      },
      { kind: 'presence', userId: 2, username: 'luke', state: 'online', at: 1, hiddenFrom: [3] },
      { kind: 'broadcast', fromUserId: 1, from: 'hans', text: 'all', at: 1, excludeUserIds: [1, 4] },
      { kind: 'kick', userId: 1, reason: 'replaced', sessionHash: hash, tokenOnly: true, exceptConnId: 'c2' },
      { kind: 'kick', userId: 1, reason: 'revoked' },
      { kind: 'catch-up', deadInstanceId: 'gw-2' },
    ]
    for (const event of events) expect(decodeBusEvent(JSON.parse(JSON.stringify(event)))).toEqual(event)
  })

  it('refuses unknown kinds, bad frames and extra fields', () => {
    for (const bad of [
      null,
      { kind: 'shout', userId: 1 },
      { kind: 'deliver', userId: 1, frame: { type: 'message', text: 'no id' } },
      { kind: 'deliver', userId: 0, frame: { type: 'private_declined', user: 'x' } },
      { kind: 'kick', userId: 1, reason: 'bored' },
      { kind: 'catch-up', deadInstanceId: '' },
      { kind: 'kick', userId: 1, reason: 'revoked', sessionHash: 'short' },
      { kind: 'presence', userId: 2, username: 'luke', state: 'away', at: 1, hiddenFrom: [] },
      { kind: 'broadcast', fromUserId: 1, from: 'hans', text: 'x', at: 1, excludeUserIds: [], extra: 1 },
    ]) {
      expect(decodeBusEvent(bad)).toBeNull()
    }
  })
})
