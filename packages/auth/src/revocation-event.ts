/**
 * The revocation notice as it travels between processes (the board, the gateways) on the bus: the
 * same `RevokeEvent` the `onRevoke` hook receives, with a TypeBox schema so a receiver checks what
 * arrives before it closes anyone's sockets. The channel name is shared too, so every app listens
 * where the others publish.
 * @module
 */
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import type { RevokeEvent } from './revocation.js'

/** The bus channel (before the deployment's prefix) that carries `RevokeEvent`s. */
export const REVOKE_CHANNEL = 'auth:revoked'

export const RevokeEventSchema = Type.Object(
  {
    userId: Type.Integer({ minimum: 1 }),
    /** SHA-256 hex of each ended session token, or 'all'. */
    tokenHashes: Type.Union([
      Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 10_000 }),
      Type.Literal('all'),
    ]),
    reason: Type.Union([
      Type.Literal('logout'),
      Type.Literal('password'),
      Type.Literal('suspended'),
      Type.Literal('deleted'),
      Type.Literal('revoked'),
    ]),
  },
  { additionalProperties: false },
)

// The schema and the hook's type must describe the same thing.
const sameShape: Static<typeof RevokeEventSchema> extends RevokeEvent
  ? RevokeEvent extends Static<typeof RevokeEventSchema>
    ? true
    : false
  : false = true
void sameShape

const revokeEvent = Compile(RevokeEventSchema)

/** The event when `message` (parsed JSON from the bus) is a valid one, else null. */
export function decodeRevokeEvent(message: unknown): RevokeEvent | null {
  return revokeEvent.Check(message) ? (message as RevokeEvent) : null
}
