/**
 * Rate limits for sign-in and registration: per client IP and per account name, each `perMinute`
 * attempts a minute and route. They slow down password spraying from one address and guessing at
 * one account from many; @parley/auth's lockout (3 wrong passwords) still applies on top.
 * @module
 */
import type { Auth } from '@parley/auth'
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AnyRequest } from '../http/types.js'

const WINDOW_MS = 60_000

function accountKey(auth: Auth, body: unknown): string {
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).username : undefined
  if (typeof raw !== 'string') return '-'
  try {
    return auth.normalizeUsername(raw).usernameKey
  } catch {
    return raw.slice(0, 64).toLowerCase()
  }
}

/** A preHandler that throws RateLimited (with retryAfterMs) past either limit. */
export function authRateLimit(app: Pick<FastifyInstance, 'createRateLimit'>, auth: Auth, perMinute: number) {
  const route = (request: AnyRequest) => request.routeOptions.url ?? request.url
  const limits = [
    {
      check: app.createRateLimit({
        max: perMinute,
        timeWindow: WINDOW_MS,
        keyGenerator: (request) => `ip|${route(request)}|${request.ip}`,
      }),
      message: 'Too many attempts from your address.',
    },
    {
      check: app.createRateLimit({
        max: perMinute,
        timeWindow: WINDOW_MS,
        keyGenerator: (request) => `account|${route(request)}|${accountKey(auth, request.body)}`,
      }),
      message: 'Too many attempts for this account name.',
    },
  ]
  return async (request: AnyRequest): Promise<void> => {
    for (const limit of limits) {
      // The limiter's types assume an HTTP/1 server; it only reads ip, url and body.
      const result = await limit.check(request as unknown as FastifyRequest)
      if (!result.isAllowed && result.isExceeded) {
        throw new ParleyError(ErrorCode.RateLimited, `${limit.message} Try again in ${result.ttlInSeconds} s.`, {
          retryAfterMs: result.ttl,
        })
      }
    }
  }
}
