import { createHash, timingSafeEqual } from 'node:crypto'

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * True when an `Authorization` header carries exactly `Bearer <token>`. Both sides are hashed first
 * so `timingSafeEqual` compares equal lengths and the time taken says nothing about the token.
 */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string') return false
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header)
  if (!match?.[1]) return false
  return timingSafeEqual(digest(match[1]), digest(token))
}
