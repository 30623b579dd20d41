/**
 * Text ↔ frames. Encoding is plain JSON. The default decoder only checks the shape every frame has
 * (an object with a string `type`): the page trusts its own gateway and should not load a schema
 * validator; the terminal client passes the protocol's validating decoder instead.
 * @module
 */
import type { ClientMessage, ServerMessage } from '@parley/protocol'

export type Decode = (text: string) => ServerMessage | null

export function encodeFrame(frame: ClientMessage): string {
  return JSON.stringify(frame)
}

export const parseFrame: Decode = (text) => {
  try {
    const frame: unknown = JSON.parse(text)
    if (frame && typeof frame === 'object' && typeof (frame as { type?: unknown }).type === 'string') {
      return frame as ServerMessage
    }
  } catch {
    // not JSON: skipped like any frame this client does not understand
  }
  return null
}
