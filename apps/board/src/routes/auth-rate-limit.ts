/**
 * Rate limits for sign-in and registration through the shared attempt limiter of @parley/auth
 * (the chat gateway uses the same one, so both count together when they share Redis): per client
 * address (IPv6 by /64) and per account name, and new accounts per address an hour. They slow down
 * password spraying from one address, guessing at one account from many, and bulk registration;
 * the 3-strikes lockout still applies on top.
 * @module
 */
import type { AttemptLimiter, Auth } from '@parley/auth'
import type { AnyRequest } from '../http/types.js'

function usernameOf(body: unknown): string | undefined {
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).username : undefined
  return typeof raw === 'string' ? raw : undefined
}

function accountKey(auth: Auth, raw: string | undefined): string {
  if (raw === undefined) return '-'
  try {
    return auth.normalizeUsername(raw.slice(0, 200)).usernameKey
  } catch {
    return raw.slice(0, 64).toLowerCase()
  }
}

/** A preHandler that throws RateLimited (with retryAfterMs and a message naming the limit) past a limit. */
export function authRateLimit(limiter: AttemptLimiter, auth: Auth, mode: 'login' | 'register') {
  return async (request: AnyRequest): Promise<void> => {
    const raw = usernameOf(request.body)
    // Registering a name that is taken creates nothing: it counts as a sign-in attempt instead.
    const creates = mode === 'register' && raw !== undefined && !(await auth.userExists(raw))
    await limiter.check(creates ? 'create' : 'login', { ip: request.ip, accountKey: accountKey(auth, raw) })
  }
}
