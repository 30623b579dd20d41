/**
 * The online directory in Redis, for several gateways. Each change is one Lua script (see
 * `redis-scripts.ts`), so user-level transitions are decided atomically across instances. Each
 * instance renews a heartbeat key with a TTL; every instance sweeps the connections of instances
 * whose heartbeat expired (a `kill -9`, a lost host), and exactly one sweep announces each of
 * those users offline.
 *
 * Redis can go away. Then this instance answers from its own connections (a single-instance view),
 * keeps every claim and release it could not write, and reconciles at the first heartbeat that
 * succeeds: its connections are registered again (announcing users who came online meanwhile, or
 * who had been swept and announced offline), and what it no longer holds is removed.
 * @module
 */
import type { Logger } from 'pino'
import type { RedisCommands } from './redis-client.js'
import { CLAIM, HEARTBEAT, type LuaScript, RELEASE, SWEEP } from './redis-scripts.js'
import {
  type ClaimResult,
  type ConnectionClaim,
  type DirectoryHooks,
  graceConnId,
  type OnlineDirectory,
  type OnlineUser,
} from './types.js'

export interface RedisDirectoryOptions {
  client: RedisCommands
  /** Key prefix of the deployment (BUS_PREFIX), e.g. `parley:`. */
  prefix: string
  instanceId: string
  /** Heartbeat TTL: an instance silent this long is dead and swept. Renewed every third of it. */
  ttlMs: number
  log: Logger
}

interface LocalConnection {
  readonly claim: ConnectionClaim
  /** False while the claim could not be written (Redis unreachable): written at reconciliation. */
  registered: boolean
}

const NO_HOOKS: DirectoryHooks = { transition() {}, instanceGone() {} }

async function runScript(client: RedisCommands, script: LuaScript, args: string[]): Promise<unknown> {
  try {
    return await client.evalSha(script.sha, { arguments: args })
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return client.eval(script.text, { arguments: args })
  }
}

function pairs(flat: unknown): OnlineUser[] {
  const list = Array.isArray(flat) ? flat : []
  const users: OnlineUser[] = []
  for (let i = 0; i + 1 < list.length; i += 2) users.push({ id: Number(list[i]), username: String(list[i + 1]) })
  return users.filter((user) => Number.isInteger(user.id) && user.id > 0)
}

export function createRedisDirectory(options: RedisDirectoryOptions): OnlineDirectory {
  const { client, prefix, instanceId, ttlMs, log } = options
  const local = new Map<string, LocalConnection>()
  const instanceKey = `${prefix}online:inst:${instanceId}`
  const indexKey = `${prefix}online:index`
  let hooks = NO_HOOKS
  /** A claim or release could not be written: reconcile at the next heartbeat. */
  let dirty = false
  /** The last heartbeat failed (Redis unreachable). */
  let failing = false
  let timer: NodeJS.Timeout | undefined
  let chain: Promise<void> = Promise.resolve()
  let tickQueued = false

  const run = (script: LuaScript, args: string[]) => runScript(client, script, args)

  async function claimRemote(connection: ConnectionClaim, force: boolean): Promise<ClaimResult> {
    const reply = (await run(CLAIM, [
      prefix,
      String(connection.userId),
      connection.connId,
      instanceId,
      connection.sessionHash,
      connection.kind,
      connection.username,
      force ? '1' : '0',
      // 0: no cap (a re-registration is never refused for it).
      String(force ? 0 : (connection.maxConnections ?? 0)),
      connection.oneSessionPerUser ? '1' : '0',
    ])) as [number, number, number?]
    return { accepted: reply[0] === 1, first: reply[1] === 1, ...(reply[2] === 1 ? { tooMany: true } : {}) }
  }

  /** The username when that was the user's last entry; `held`: a grace placeholder was left instead. */
  async function releaseRemote(
    userId: number,
    connId: string,
    mode: 'hold' | 'gone' | 'end' = 'gone',
  ): Promise<string | null | 'held'> {
    const [last, name, held] = (await run(RELEASE, [prefix, String(userId), connId, instanceId, mode])) as [
      number,
      string,
      number?,
    ]
    if (held === 1) return 'held'
    return last === 1 ? name : null
  }

  /** Users whose grace placeholder this instance holds, and the timer that ends it. */
  const graces = new Map<number, NodeJS.Timeout>()

  function holdGrace(userId: number, graceMs: number): void {
    clearTimeout(graces.get(userId))
    const timer = setTimeout(() => {
      graces.delete(userId)
      releaseRemote(userId, graceConnId(instanceId), 'end').then(
        (name) => {
          if (typeof name === 'string' && name !== 'held') hooks.transition({ id: userId, username: name }, 'offline')
        },
        // Redis unreachable: the placeholder stays until it can be removed (next try, or a sweep of this instance).
        (error: unknown) => {
          log.warn({ err: error, userId }, 'ending a presence grace failed: retrying')
          holdGrace(userId, graceMs)
        },
      )
    }, graceMs)
    timer.unref()
    graces.set(userId, timer)
  }

  function localUsers(): OnlineUser[] {
    const users = new Map<number, string>()
    for (const { claim } of local.values()) users.set(claim.userId, claim.username)
    return [...users].map(([id, username]) => ({ id, username })).sort((a, b) => a.username.localeCompare(b.username))
  }

  function degraded(action: string, error: unknown): void {
    dirty = true
    log.warn({ err: error, action }, 'online directory unreachable: using this instance only until Redis is back')
  }

  /** Makes Redis match this instance's connections; `announceRegistered`: our entries had been swept. */
  async function reconcile(announceRegistered: boolean): Promise<void> {
    for (const [connId, entry] of [...local]) {
      if (local.get(connId) !== entry) continue // released meanwhile
      const result = await claimRemote(entry.claim, true)
      const wasRegistered = entry.registered
      entry.registered = true
      if (result.first && (!wasRegistered || announceRegistered)) {
        hooks.transition({ id: entry.claim.userId, username: entry.claim.username }, 'online')
      }
    }
    for (const member of await client.sMembers(instanceKey)) {
      const colon = member.indexOf(':')
      const userId = Number(member.slice(0, colon))
      const connId = member.slice(colon + 1)
      if (local.has(connId)) continue
      // A grace placeholder is not a connection: its own timer removes it.
      if (connId.startsWith('grace@')) continue
      const name = await releaseRemote(userId, connId, 'end')
      if (typeof name === 'string' && name !== 'held') hooks.transition({ id: userId, username: name }, 'offline')
    }
  }

  async function sweep(mode: 'dead' | 'self'): Promise<void> {
    const [instances, offline] = (await run(SWEEP, [prefix, instanceId, mode, String(ttlMs * 20)])) as [
      string[],
      unknown,
    ]
    for (const user of pairs(offline)) hooks.transition(user, 'offline')
    for (const gone of instances) {
      if (gone === instanceId) continue
      log.info({ instanceId: gone }, 'gateway instance stopped renewing its heartbeat: its connections were removed')
      hooks.instanceGone(gone)
    }
  }

  async function tick(forceReconcile: boolean): Promise<void> {
    try {
      const [existed, swept] = (await run(HEARTBEAT, [prefix, instanceId, String(ttlMs)])) as [number, number]
      const recovering = failing
      failing = false
      if (recovering) log.info('online directory reachable again: reconciling')
      if (forceReconcile || recovering || dirty || existed === 0) {
        dirty = false
        await reconcile(swept === 1)
      }
      await sweep('dead')
    } catch (error) {
      dirty = true
      if (!failing) log.warn({ err: error }, 'online directory heartbeat failed: retrying')
      failing = true
    }
  }

  /** Ticks never overlap; a tick asked for while one runs is coalesced into one more. */
  function schedule(forceReconcile: boolean): Promise<void> {
    if (!forceReconcile && tickQueued) return chain
    tickQueued = true
    chain = chain.then(() => {
      tickQueued = false
      return tick(forceReconcile)
    })
    return chain
  }

  return {
    instanceId,

    async claim(connection) {
      try {
        const result = await claimRemote(connection, false)
        if (result.accepted) local.set(connection.connId, { claim: connection, registered: true })
        return result
      } catch (error) {
        degraded('claim', error)
        const otherSession = [...local.values()].some(
          ({ claim }) => claim.userId === connection.userId && claim.sessionHash !== connection.sessionHash,
        )
        if (connection.oneSessionPerUser && otherSession) return { accepted: false, first: false }
        const mine = [...local.values()].filter(({ claim }) => claim.userId === connection.userId).length
        if (connection.maxConnections !== undefined && mine >= connection.maxConnections) {
          return { accepted: false, first: false, tooMany: true }
        }
        local.set(connection.connId, { claim: connection, registered: false })
        return { accepted: true, first: false }
      }
    },

    async release(userId, connId, options) {
      const entry = local.get(connId)
      local.delete(connId)
      if (!entry?.registered) return { last: false }
      const graceMs = options?.graceMs ?? 0
      try {
        const name = await releaseRemote(userId, connId, graceMs > 0 ? 'hold' : 'gone')
        if (name === 'held') holdGrace(userId, graceMs)
        return { last: typeof name === 'string' && name !== 'held' }
      } catch (error) {
        degraded('release', error)
        return { last: false }
      }
    },

    async isOnline(userId) {
      try {
        return (await client.hExists(indexKey, String(userId))) === 1
      } catch (error) {
        degraded('isOnline', error)
        return [...local.values()].some(({ claim }) => claim.userId === userId)
      }
    },

    async onlineUsers() {
      try {
        const index = await client.hGetAll(indexKey)
        return Object.entries(index)
          .map(([id, username]) => ({ id: Number(id), username }))
          .sort((a, b) => a.username.localeCompare(b.username))
      } catch (error) {
        degraded('onlineUsers', error)
        return localUsers()
      }
    },

    async start(startHooks) {
      hooks = startHooks
      // An earlier run of this instance id crashed: its connections are gone.
      await sweep('self')
      await schedule(false)
      if (failing) throw new Error(`the online directory in Redis is not writable (instance ${instanceId})`)
      timer = setInterval(() => void schedule(false), Math.max(100, Math.floor(ttlMs / 3)))
      timer.unref()
    },

    resync: () => schedule(true),

    async stop() {
      clearInterval(timer)
      // Placeholders stay until this instance's heartbeat expires; the sweep then announces those users.
      for (const grace of graces.values()) clearTimeout(grace)
      graces.clear()
      await chain
      hooks = NO_HOOKS
    },
  }
}
