import { createHash, randomBytes } from 'node:crypto'

const TOKEN_BYTES = 32
/** 32 bytes in unpadded base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** A new 256-bit session token, base64url without padding. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

/** SHA-256 hex of a token: what storage keeps, so a leaked database holds no usable tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Rejects what cannot be a token before any lookup (cookies are attacker-controlled input). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token)
}
