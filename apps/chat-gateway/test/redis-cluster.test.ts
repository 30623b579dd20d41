/**
 * The shared state of several gateways in a real Redis: the online directory's atomic transitions
 * (each announced once), sweeping of dead instances, the fallback while Redis is cut off (through
 * a TCP relay) and the reconciliation after, private requests and the broadcast ledger.
 */
import { startTcpRelay, type TcpRelay } from '@parley/testing'
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openRedisCluster } from '../src/cluster/redis-cluster.js'
import type { ClusterState, ConnectionClaim, DirectoryHooks, OnlineUser } from '../src/cluster/types.js'
import { type AdminClient, connectAdmin, redisUrl, removeKeys, uniquePrefix } from './helpers/redis.js'

const TTL_MS = 1000
const log = pino({ level: 'silent' })
const SESSION_A = 'a'.repeat(64)
const SESSION_B = 'b'.repeat(64)

interface Recorder extends DirectoryHooks {
  events: string[]
  gone: string[]
}

function recorder(): Recorder {
  const events: string[] = []
  const gone: string[] = []
  return {
    events,
    gone,
    transition: (user: OnlineUser, state) => events.push(`${user.username} ${state}`),
    instanceGone: (id) => gone.push(id),
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    },
    { timeout: timeoutMs, interval: 20 },
  )
}

function conn(userId: number, connId: string, sessionHash = SESSION_A): ConnectionClaim {
  return { userId, username: `user${userId}`, connId, sessionHash, kind: 'token' }
}

/** A claim under CHAT_ONE_SESSION_PER_USER (the original rule). */
function oneSession(userId: number, connId: string, sessionHash = SESSION_A): ConnectionClaim {
  return { ...conn(userId, connId, sessionHash), oneSessionPerUser: true }
}

describe('shared state in Redis', () => {
  let admin: AdminClient
  let prefix: string
  const open: ClusterState[] = []
  const relays: TcpRelay[] = []

  async function instance(id: string, hooks: DirectoryHooks = recorder(), url = redisUrl): Promise<ClusterState> {
    const cluster = await openRedisCluster({ url, prefix, instanceId: id, ttlMs: TTL_MS, log, connectTimeoutMs: 5000 })
    open.push(cluster)
    await cluster.directory.start(hooks)
    return cluster
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((cluster) => cluster.close()))
    await Promise.all(relays.splice(0).map((relay) => relay.close()))
    await removeKeys(admin, prefix)
    await admin.close()
  })

  async function setUp(): Promise<void> {
    admin = await connectAdmin()
    prefix = uniquePrefix()
  }

  it('decides each user-level transition once, across instances', async () => {
    await setUp()
    const a = await instance('gw-a')
    const b = await instance('gw-b')
    expect(await a.directory.claim(conn(1, 'c1'))).toEqual({ accepted: true, first: true })
    // Same session elsewhere (a CLI resuming on another gateway): accepted, not a new arrival.
    expect(await b.directory.claim(conn(1, 'c2'))).toEqual({ accepted: true, first: false })
    // Another session while online, under CHAT_ONE_SESSION_PER_USER: refused everywhere, and nothing changes.
    expect(await b.directory.claim(oneSession(1, 'c3', SESSION_B))).toEqual({ accepted: false, first: false })
    expect(await a.directory.claim(oneSession(1, 'c4', SESSION_B))).toEqual({ accepted: false, first: false })
    expect(await b.directory.isOnline(1)).toBe(true)
    expect(await a.directory.onlineUsers()).toEqual([{ id: 1, username: 'user1' }])
    expect(await a.directory.release(1, 'c1')).toEqual({ last: false })
    expect(await a.directory.release(1, 'c1')).toEqual({ last: false })
    expect(await b.directory.release(1, 'c2')).toEqual({ last: true })
    expect(await a.directory.isOnline(1)).toBe(false)
    expect(await b.directory.onlineUsers()).toEqual([])
    // Now another session may sign in.
    expect(await a.directory.claim(oneSession(1, 'c5', SESSION_B))).toEqual({ accepted: true, first: true })
    // By default another session (another device) is welcome while the first is online.
    expect(await b.directory.claim(conn(1, 'c6', SESSION_A))).toEqual({ accepted: true, first: false })
  })

  it('holds a user online through the grace after their last connection, on any instance', async () => {
    await setUp()
    const hooksA = recorder()
    const a = await instance('gw-a', hooksA)
    const b = await instance('gw-b')
    expect(await a.directory.claim(conn(2, 'a2'))).toEqual({ accepted: true, first: true })
    // The last connection closes: a placeholder keeps the user online (no "last").
    expect(await a.directory.release(2, 'a2', { graceMs: 60_000 })).toEqual({ last: false })
    expect(await b.directory.isOnline(2)).toBe(true)
    // Back on the other instance within the grace: not a new arrival; the grace does not count as a
    // connection, not even for the one-session rule or the connection cap.
    expect(await b.directory.claim({ ...oneSession(2, 'b2', SESSION_B), maxConnections: 1 })).toEqual({
      accepted: true,
      first: false,
    })
    // A logout ends it all at once: the last real connection goes, and the placeholder with it.
    expect(await b.directory.release(2, 'b2')).toEqual({ last: true })
    expect(await a.directory.isOnline(2)).toBe(false)
    expect(await admin.exists(`${prefix}online:user:2`)).toBe(0)
    expect(await admin.sMembers(`${prefix}online:inst:gw-a`)).toEqual([])
    expect(hooksA.events).toEqual([])

    // A grace that ends with nobody back: its owner reports the offline transition, once.
    await a.directory.claim(conn(3, 'a3'))
    expect(await a.directory.release(3, 'a3', { graceMs: 200 })).toEqual({ last: false })
    await until(() => hooksA.events.includes('user3 offline'), 'the end of the grace')
    expect(await b.directory.isOnline(3)).toBe(false)
    expect(hooksA.events).toEqual(['user3 offline'])
  })

  it('gives exactly one of many concurrent claims and releases the transition', async () => {
    await setUp()
    const instances = await Promise.all(['gw-a', 'gw-b', 'gw-c'].map((id) => instance(id)))
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) => instances[i % 3]!.directory.claim(conn(7, `c${i}`))),
    )
    expect(claims.every((claim) => claim.accepted)).toBe(true)
    expect(claims.filter((claim) => claim.first)).toHaveLength(1)
    const releases = await Promise.all(
      Array.from({ length: 30 }, (_, i) => instances[i % 3]!.directory.release(7, `c${i}`)),
    )
    expect(releases.filter((release) => release.last)).toHaveLength(1)
  })

  it('sweeps a dead instance once: its users go offline unless connected elsewhere', async () => {
    await setUp()
    const doomed = await instance('gw-dead')
    await doomed.directory.claim(conn(1, 'd1'))
    await doomed.directory.claim(conn(2, 'd2'))
    const watchers = [recorder(), recorder()]
    const b = await instance('gw-b', watchers[0])
    await instance('gw-c', watchers[1])
    await b.directory.claim(conn(2, 'b2'))
    // The dead instance's entries do not block a new session of its users (a password login after a crash).
    await doomed.directory.stop()
    await until(async () => (await admin.exists(`${prefix}online:alive:gw-dead`)) === 0, 'the heartbeat to expire')
    await until(() => watchers.some((watcher) => watcher.events.length > 0), 'a sweep')
    await new Promise((resolve) => setTimeout(resolve, TTL_MS)) // further sweeps must find nothing to announce
    const events = watchers.flatMap((watcher) => watcher.events)
    expect(events).toEqual(['user1 offline'])
    expect(watchers.flatMap((watcher) => watcher.gone)).toEqual(['gw-dead'])
    expect(await b.directory.onlineUsers()).toEqual([{ id: 2, username: 'user2' }])
    expect(await b.directory.claim(conn(1, 'n1', SESSION_B))).toEqual({ accepted: true, first: true })
  })

  it('ignores a dead instance connection in the already-online check before it is swept', async () => {
    await setUp()
    const doomed = await instance('gw-dead')
    await doomed.directory.claim(conn(3, 'd3'))
    await doomed.directory.stop()
    await until(async () => (await admin.exists(`${prefix}online:alive:gw-dead`)) === 0, 'the heartbeat to expire')
    // No live instance has swept yet (none runs): the claim removes the stale entry itself.
    const b = await openRedisCluster({ url: redisUrl, prefix, instanceId: 'gw-b', ttlMs: TTL_MS, log })
    open.push(b)
    // The user never looked offline, so this is no new arrival either.
    expect(await b.directory.claim(oneSession(3, 'b3', SESSION_B))).toEqual({ accepted: true, first: false })
    expect(await admin.hKeys(`${prefix}online:user:3`)).toEqual(['b3'])
  })

  it('clears what a crashed run of the same instance id left, at start', async () => {
    await setUp()
    const crashed = await instance('gw-a')
    await crashed.directory.claim(conn(4, 'x4'))
    await crashed.close() // as after kill -9: entries stay
    const hooks = recorder()
    const restarted = await instance('gw-a', hooks)
    expect(hooks.events).toEqual(['user4 offline'])
    expect(await restarted.directory.isOnline(4)).toBe(false)
  })

  it('serves from its own connections while Redis is cut off, and reconciles after', async () => {
    await setUp()
    const relay = await startTcpRelay(redisUrl, 6379)
    relays.push(relay)
    const hooks = recorder()
    const a = await instance('gw-a', hooks, relay.url)
    const b = await instance('gw-b')
    await a.directory.claim(conn(5, 'a5'))
    relay.cut()
    // Degraded: accepted on local knowledge, nothing announced (the bus is down too).
    expect(await a.directory.claim(conn(6, 'a6'))).toEqual({ accepted: true, first: false })
    expect(await a.directory.claim(oneSession(6, 'a6b', SESSION_B))).toEqual({ accepted: false, first: false })
    expect(await a.directory.isOnline(6)).toBe(true)
    expect((await a.directory.onlineUsers()).map((user) => user.id)).toEqual([5, 6])
    expect(await a.directory.release(5, 'a5')).toEqual({ last: false })
    relay.restore()
    await until(() => hooks.events.length >= 2, 'reconciliation')
    expect(hooks.events.sort()).toEqual(['user5 offline', 'user6 online'])
    expect((await b.directory.onlineUsers()).map((user) => user.id)).toEqual([6])
  })

  it('announces its users online again after other instances swept it while it was away', async () => {
    await setUp()
    const relay = await startTcpRelay(redisUrl, 6379)
    relays.push(relay)
    const hooksA = recorder()
    const hooksB = recorder()
    const a = await instance('gw-a', hooksA, relay.url)
    await instance('gw-b', hooksB)
    await a.directory.claim(conn(8, 'a8'))
    relay.cut()
    await until(() => hooksB.events.includes('user8 offline'), 'gw-b to sweep gw-a')
    relay.restore()
    await until(() => hooksA.events.includes('user8 online'), 'gw-a to register user8 again')
    expect(hooksA.events).toEqual(['user8 online'])
    expect(hooksB.events).toEqual(['user8 offline'])
    expect(await a.directory.isOnline(8)).toBe(true)
  })

  it('keeps private requests for their addressee on any instance, once', async () => {
    await setUp()
    const a = await instance('gw-a')
    const b = await instance('gw-b')
    const base = { fromUserId: 1, from: 'hans', fromConnId: 'conn-1', toUserId: 2, to: 'luke' }
    const now = Date.now()
    const opened = await a.privateRequests.open({ ...base, requestId: 'req-1' }, now)
    expect(await b.privateRequests.take('req-1', 3, now)).toBeNull()
    expect(await b.privateRequests.take('req-1', 2, now)).toEqual(opened)
    expect(await a.privateRequests.take('req-1', 2, now)).toBeNull()
    await a.privateRequests.open({ ...base, requestId: 'req-2' }, now)
    expect(await b.privateRequests.take('req-2', 2, now + 10 * 60_000)).toBeNull()
  })

  it('answers a resent broadcast with the first answer on any instance', async () => {
    await setUp()
    const a = await instance('gw-a')
    const b = await instance('gw-b')
    expect(await a.broadcasts.remember('1:bc-1', true)).toBeNull()
    expect(await b.broadcasts.remember('1:bc-1', false)).toBe(true)
    await b.broadcasts.forget('1:bc-1')
    expect(await b.broadcasts.remember('1:bc-1', false)).toBeNull()
  })
})
