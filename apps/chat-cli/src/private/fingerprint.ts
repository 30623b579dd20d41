/**
 * Certificate fingerprints as node prints them (`AB:CD:…`, SHA-256) and their comparison in
 * constant time, so a peer cannot learn a fingerprint byte by byte from timing.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/i

function toBytes(fingerprint: string): Buffer | null {
  return FINGERPRINT.test(fingerprint) ? Buffer.from(fingerprint.replaceAll(':', ''), 'hex') : null
}

/** True when both are well-formed SHA-256 fingerprints of the same certificate (case-insensitive). */
export function sameFingerprint(actual: string | undefined, expected: string): boolean {
  const a = actual ? toBytes(actual) : null
  const b = toBytes(expected)
  if (!a || !b) return false
  return timingSafeEqual(a, b)
}

/** Same check for tickets (opaque strings of any length). */
export function sameSecret(actual: string, expected: string): boolean {
  const a = Buffer.from(actual)
  const b = Buffer.from(expected)
  // Comparing lengths first leaks only the length, which the gateway fixes for every ticket.
  return a.length === b.length && timingSafeEqual(a, b)
}
