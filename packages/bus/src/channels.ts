/**
 * Channel names and payloads, checked the same way by every bus implementation so the in-process
 * bus refuses exactly what Redis would.
 * @module
 */

/** Letters, digits and `:._-`: readable in `PUBSUB CHANNELS` and safe in logs. */
const CHANNEL_PATTERN = /^[A-Za-z0-9:._-]{1,200}$/
const PREFIX_PATTERN = /^[A-Za-z0-9:._-]{0,100}$/

export function checkPrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(`bus prefix must be up to 100 of A-Z a-z 0-9 : . _ -, got ${JSON.stringify(prefix)}`)
  }
  return prefix
}

/** The name on the transport: the prefix, then the app's channel name. */
export function qualifiedChannel(prefix: string, channel: string): string {
  if (typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel)) {
    throw new TypeError(`bus channel must be 1-200 of A-Z a-z 0-9 : . _ -, got ${JSON.stringify(channel)}`)
  }
  return prefix + channel
}

/** JSON text for the wire; a TypeError for what JSON cannot carry (undefined, functions, BigInt, cycles). */
export function encodeMessage(message: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(message)
  } catch (cause) {
    throw new TypeError(`bus message is not JSON-serialisable: ${(cause as Error).message}`, { cause })
  }
  if (text === undefined) throw new TypeError(`bus message is not JSON-serialisable: ${typeof message}`)
  return text
}
