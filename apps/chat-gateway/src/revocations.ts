/**
 * Ends live chat connections the moment their session is revoked anywhere: the board and every
 * gateway pass `onRevoke` to `createAuth`, which publishes a `RevokeEvent` on `auth:revoked`
 * (logout, password change or reset, suspension, account deletion, "sign out everywhere"). Each
 * gateway closes its own connections of those sessions with `bye revoked` or `bye suspended`.
 * Without Redis the board and the gateway are separate processes with separate in-process buses:
 * then the heartbeat's session re-check (`heartbeat.ts`) is what ends them, within one interval.
 * @module
 */
import type { RevokeEvent } from '@parley/auth'
import type { ByeReason } from '@parley/protocol'
import type { GatewayState } from './gateway-state.js'

export function byeReasonFor(event: RevokeEvent): ByeReason {
  return event.reason === 'suspended' ? 'suspended' : 'revoked'
}

/** Says `bye` to this instance's connections of the revoked sessions (all of the user's for 'all'). */
export function endRevokedSessions(ctx: GatewayState, event: RevokeEvent): number {
  const sessions = event.tokenHashes === 'all' ? null : new Set(event.tokenHashes)
  const reason = byeReasonFor(event)
  let ended = 0
  for (const entry of ctx.registry.entriesOf(event.userId)) {
    if (sessions && !sessions.has(entry.sessionHash)) continue
    if (entry.connection.ended) continue
    entry.connection.bye(reason)
    ended += 1
  }
  if (ended > 0)
    ctx.log.info({ userId: event.userId, reason: event.reason, connections: ended }, 'revoked sessions ended')
  return ended
}
