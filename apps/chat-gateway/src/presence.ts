/**
 * Presence, at two levels. History (for `whoelsesince`) is kept per instance: a row opens with a
 * user's first connection on THIS gateway and closes with their last one here (a crashed
 * instance's rows are closed when it is swept or restarts). Announcements are per user across all
 * gateways: `presence online` when the online directory says a claim was the user's first
 * connection anywhere, `offline` when a release (or a sweep of a dead instance) removed their last,
 * after a short grace when the connection just closed (a page reload, a move to another board page).
 * Changes of one user run in order, so a quick logout + login is never announced reversed.
 * @module
 */
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import type { BusEvent } from './bus-events.js'
import type { OnlineDirectory, OnlineUser } from './cluster/types.js'

export interface PresenceTracker {
  /** The user's first connection on this instance: open a presence-history row. */
  openHistory(userId: number): void
  /** The user's last connection on this instance closed: close the row. */
  closeHistory(userId: number): void
  /** Tells everyone not blocked either way that `user` came online or went offline (all instances). */
  announce(user: OnlineUser, state: 'online' | 'offline'): void
  /**
   * Removes a connection from the directory; announces `offline` when it was the user's last
   * anywhere. With `graceMs` the user stays online that long after their last connection, and the
   * directory announces `offline` only if nobody came back (directory hooks).
   */
  release(user: OnlineUser, connId: string, graceMs?: number): void
  /** Waits for every pending change (shutdown, tests). */
  settle(): Promise<void>
}

export interface PresenceOptions {
  storage: Storage
  directory: OnlineDirectory
  /** Publishes on the bus; resolves false (after logging) when the bus refused it. */
  publish: (event: BusEvent) => Promise<boolean>
  log: Logger
  now: () => number
  instanceId: string
  /** False while shutting down: history is still written, nobody is told. */
  announce: () => boolean
}

export function createPresenceTracker(options: PresenceOptions): PresenceTracker {
  const { storage, directory, log, now, instanceId } = options
  const chains = new Map<number, Promise<void>>()
  /** Open presence-history rows of users online here. */
  const rows = new Map<number, number>()

  async function hiddenFrom(userId: number): Promise<number[]> {
    const [blocked, blockers] = await Promise.all([storage.blocks.blockedBy(userId), storage.blocks.blockersOf(userId)])
    return [...new Set([...blocked, ...blockers])]
  }

  function inOrder(userId: number, change: () => Promise<void>): void {
    const next = (chains.get(userId) ?? Promise.resolve())
      .then(change)
      .catch((error: unknown) => log.error({ err: error, userId }, 'presence change failed'))
    chains.set(userId, next)
    void next.finally(() => {
      if (chains.get(userId) === next) chains.delete(userId)
    })
  }

  async function publish(user: OnlineUser, state: 'online' | 'offline', at: number): Promise<void> {
    if (!options.announce()) return
    const event: BusEvent = {
      kind: 'presence',
      userId: user.id,
      username: user.username,
      state,
      at,
      hiddenFrom: await hiddenFrom(user.id),
    }
    await options.publish(event)
  }

  return {
    openHistory(userId) {
      const at = now()
      inOrder(userId, async () => {
        try {
          rows.set(userId, await storage.presence.openPresence(userId, instanceId, at))
        } catch (error) {
          // A failed history write is logged; the others must still see the change.
          log.error({ err: error, userId }, 'presence history write failed')
        }
      })
    },
    closeHistory(userId) {
      const at = now()
      inOrder(userId, async () => {
        const row = rows.get(userId)
        rows.delete(userId)
        if (row === undefined) return
        try {
          await storage.presence.closePresence(row, at)
        } catch (error) {
          log.error({ err: error, userId }, 'presence history write failed')
        }
      })
    },
    announce(user, state) {
      const at = now()
      inOrder(user.id, () => publish(user, state, at))
    },
    release(user, connId, graceMs = 0) {
      inOrder(user.id, async () => {
        const { last } = await directory.release(user.id, connId, { graceMs })
        if (last) await publish(user, 'offline', now())
      })
    },
    async settle() {
      while (chains.size > 0) await Promise.all(chains.values())
    },
  }
}
