/**
 * Frames on a private (peer-to-peer) link between two clients: newline-delimited JSON over TLS.
 * The gateway never sees them.
 * @module
 */
import { type Static, Type } from 'typebox'
import { Text } from './fields.js'

export const PeerHello = Type.Object(
  { type: Type.Literal('hello'), from: Type.String(), ticket: Type.String({ minLength: 16, maxLength: 128 }) },
  { additionalProperties: false },
)
export const PeerText = Type.Object({ type: Type.Literal('private'), text: Text }, { additionalProperties: false })
export const PeerStop = Type.Object({ type: Type.Literal('stop') }, { additionalProperties: false })
export const PeerMessage = Type.Union([PeerHello, PeerText, PeerStop])
export type PeerMessage = Static<typeof PeerMessage>
