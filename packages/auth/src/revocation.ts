import type { AuthLogger } from './logger.js'

/** Why sessions ended: apps tell the user (e.g. the chat's closing notice) and close live sockets. */
export type RevokeReason = 'logout' | 'password' | 'suspended' | 'deleted' | 'revoked'

export interface RevokeEvent {
  userId: number
  /** The ended sessions (SessionRow.tokenHash), or 'all': every session and socket of the user must end. */
  tokenHashes: string[] | 'all'
  reason: RevokeReason
}

/** Told after every revocation has been committed; the board and the gateway publish it on the bus. */
export type RevokeListener = (event: RevokeEvent) => void | Promise<void>

/**
 * Calls the listener without letting it undo or fail the auth operation: the revocation is already
 * stored, so a broken listener is logged (ids only) and the caller carries on.
 */
/** Token hashes per event, as the bus schema allows (`RevokeEventSchema`). */
export const MAX_HASHES_PER_EVENT = 10_000

/**
 * One event per `MAX_HASHES_PER_EVENT` hashes: a user with more sessions than that (a script
 * logging in in a loop) must not produce an event that fails its own schema and is dropped.
 */
export function splitRevokeEvent(event: RevokeEvent): RevokeEvent[] {
  if (event.tokenHashes === 'all' || event.tokenHashes.length <= MAX_HASHES_PER_EVENT) return [event]
  const parts: RevokeEvent[] = []
  for (let start = 0; start < event.tokenHashes.length; start += MAX_HASHES_PER_EVENT) {
    parts.push({ ...event, tokenHashes: event.tokenHashes.slice(start, start + MAX_HASHES_PER_EVENT) })
  }
  return parts
}

export function createRevokeNotifier(listener: RevokeListener | undefined, log: AuthLogger) {
  return function notifyRevoke(event: RevokeEvent): void {
    if (!listener) return
    if (event.tokenHashes !== 'all' && event.tokenHashes.length === 0) return
    for (const part of splitRevokeEvent(event)) notifyOne(listener, part, log)
  }
}

function notifyOne(listener: RevokeListener, event: RevokeEvent, log: AuthLogger): void {
  const report = (error: unknown) =>
    log.warn(
      { userId: event.userId, reason: event.reason, error: error instanceof Error ? error.message : String(error) },
      'revocation listener failed',
    )
  try {
    const result = listener(event)
    if (result instanceof Promise) result.catch(report)
  } catch (error) {
    report(error)
  }
}

export type NotifyRevoke = ReturnType<typeof createRevokeNotifier>
