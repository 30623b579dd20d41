/**
 * Revocations heard on the bus (`auth:revoked`): every board and gateway passes `onRevoke` to
 * `createAuth`, which publishes one after each logout, password change, suspension, deletion or
 * "sign out everywhere". The board ends the live-update streams of those sessions at once. Without
 * Redis each process has its own in-process bus, so a revocation made by another process (the
 * gateway's chat logout, `pnpm parley users suspend`) ends a stream at its next heartbeat check.
 * @module
 */
import { decodeRevokeEvent, REVOKE_CHANNEL, type RevokeEvent } from '@parley/auth'
import { type Bus, type BusLogger, openTopic } from '@parley/bus'

export interface Revocations {
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: RevokeEvent) => void): () => void
  close(): Promise<void>
}

export async function openRevocations(bus: Bus, logger?: BusLogger): Promise<Revocations> {
  return openTopic(bus, REVOKE_CHANNEL, { decode: decodeRevokeEvent, ...(logger ? { logger } : {}) })
}

/** True when `event` ends the session whose token hashes to `tokenHash`. */
export function endsSession(event: RevokeEvent, userId: number, tokenHash: string): boolean {
  return event.userId === userId && (event.tokenHashes === 'all' || event.tokenHashes.includes(tokenHash))
}
