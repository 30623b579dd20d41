/**
 * Pure decoders: text in, a typed frame out, or a `ParleyError` with code `PROTO_BAD_MESSAGE`.
 * JSON.parse never creates prototype-polluting objects (`__proto__` stays an own key), and the
 * schemas refuse unknown keys, so no decoded frame carries one.
 * @module
 */
import { type Static, type TUnion, Type } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { ClientMessage } from './client-messages.js'
import { ErrorCode, ParleyError } from './errors.js'
import { PeerMessage } from './peer-messages.js'
import { ServerMessage } from './server-messages.js'

/** Largest frame a gateway accepts (and `ws` maxPayload): 64 KiB. */
export const MAX_FRAME_BYTES = 64 * 1024

const TypeTag = Compile(Type.Object({ type: Type.String() }))

/**
 * One validator per variant of a union keyed by its `type` literal, so an error names the field of
 * the frame the client meant rather than the first union branch.
 */
function decoderFor<S extends TUnion>(union: S, what: string) {
  const variants = new Map<string, Validator>()
  for (const variant of union.anyOf) {
    const tag = (variant as { properties?: { type?: { const?: unknown } } }).properties?.type?.const
    if (typeof tag === 'string') variants.set(tag, Compile(variant))
  }
  return (raw: string): Static<S> => {
    let data: unknown
    try {
      data = JSON.parse(raw)
    } catch (cause) {
      throw new ParleyError(ErrorCode.BadMessage, `${what} is not valid JSON`, {}, { cause })
    }
    if (!TypeTag.Check(data)) throw new ParleyError(ErrorCode.BadMessage, `${what} must be an object with a "type"`)
    const type = data.type.slice(0, 40)
    const validator = variants.get(type)
    if (!validator) throw new ParleyError(ErrorCode.BadMessage, `unknown ${what} type '${type}'`, { type })
    if (validator.Check(data)) return data as Static<S>
    const first = validator.Errors(data)[0]
    const where = first ? ` at ${first.instancePath || '/'}: ${first.message}` : ''
    throw new ParleyError(ErrorCode.BadMessage, `${what} '${type}' does not match the protocol${where}`, { type })
  }
}

export const decodeClientMessage: (raw: string) => ClientMessage = decoderFor(ClientMessage, 'frame')
export const decodeServerMessage: (raw: string) => ServerMessage = decoderFor(ServerMessage, 'frame')
export const decodePeerMessage: (raw: string) => PeerMessage = decoderFor(PeerMessage, 'peer frame')

export function encode(message: ClientMessage | ServerMessage | PeerMessage): string {
  return JSON.stringify(message)
}
