/**
 * Request ids. The id of a `message` is also the key under which the gateway stores it once, however
 * often it is resent, so ids must be unique per user: 16 random bytes from the Web Crypto API
 * (in the browser and in Node alike), base64url like the protocol's `ClientId`.
 * @module
 */

export function newClientId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
