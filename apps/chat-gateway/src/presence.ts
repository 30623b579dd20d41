/**
 * A user's presence: their first connection makes them online, their last one going makes them
 * offline. Each change is written to the presence history (for `whoelsesince`) and published on
 * the bus for everyone not blocked either way. Changes of one user run in order, so a quick
 * logout + login is never seen reversed.
 * @module
 */
import type { Storage } from '@parley/storage'
import type { Logger } from 'pino'
import type { ChatBus } from './bus.js'

export interface PresenceTracker {
  online(userId: number, username: string): void
  offline(userId: number, username: string): void
  /** Waits for every pending change (shutdown, tests). */
  settle(): Promise<void>
}

interface PresenceOptions {
  storage: Storage
  bus: ChatBus
  log: Logger
  now: () => number
  instanceId: string
  /** False while shutting down: history is still written, nobody is told. */
  announce: () => boolean
}

export function createPresenceTracker(options: PresenceOptions): PresenceTracker {
  const { storage, bus, log, now, instanceId } = options
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

  /** A failed history write is logged; the others must still see the change. */
  async function recorded(userId: number, write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (error) {
      log.error({ err: error, userId }, 'presence history write failed')
    }
  }

  async function publish(userId: number, username: string, state: 'online' | 'offline', at: number): Promise<void> {
    if (!options.announce()) return
    await bus.publish({ kind: 'presence', userId, username, state, at, hiddenFrom: await hiddenFrom(userId) })
  }

  return {
    online(userId, username) {
      const at = now()
      // History first, so whoever sees the event also finds it in `whoelsesince`.
      inOrder(userId, async () => {
        await recorded(userId, async () => {
          rows.set(userId, await storage.presence.openPresence(userId, instanceId, at))
        })
        await publish(userId, username, 'online', at)
      })
    },
    offline(userId, username) {
      const at = now()
      inOrder(userId, async () => {
        const row = rows.get(userId)
        rows.delete(userId)
        if (row !== undefined) await recorded(userId, () => storage.presence.closePresence(row, at))
        await publish(userId, username, 'offline', at)
      })
    },
    async settle() {
      while (chains.size > 0) await Promise.all(chains.values())
    },
  }
}
