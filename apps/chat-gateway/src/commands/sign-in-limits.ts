/**
 * The shared attempt limiter (@parley/auth) in front of `lookup` and `login`: lookups per client
 * address, sign-in attempts per address and per account name, new accounts per address. It runs
 * before any storage or argon2 work, so neither enumeration nor password spraying nor bulk account
 * creation gets anything for free. A refusal is a `RATE_LIMITED` error with `retryAfterMs`.
 * @module
 */
import { type ClientMessageOf, ErrorCode, isParleyError } from '@parley/protocol'
import type { Connection } from '../connection-types.js'
import type { GatewayContext } from '../context.js'

function accountKey(ctx: GatewayContext, username: string): string {
  try {
    return ctx.auth.normalizeUsername(username.slice(0, 200)).usernameKey
  } catch {
    // A name breaking the rules can have no account; it is still counted, under a bounded key.
    return username.slice(0, 64).toLowerCase()
  }
}

export async function limitSignInAttempt(
  ctx: GatewayContext,
  conn: Connection,
  frame: ClientMessageOf<'lookup'> | ClientMessageOf<'login'>,
): Promise<void> {
  const limiter = ctx.attempts
  if (!limiter) return
  const ip = conn.upgrade.ip
  if (frame.type === 'lookup') {
    await limiter.check('lookup', { ip })
    return
  }
  const creates = frame.create === true && ctx.config.allowNewUsers && !(await ctx.auth.userExists(frame.username))
  try {
    await limiter.check(creates ? 'create' : 'login', { ip, accountKey: accountKey(ctx, frame.username) })
  } catch (error) {
    if (isParleyError(error) && error.code === ErrorCode.RateLimited) {
      ctx.metrics.loginFailures.inc({ code: error.code })
      conn.log.info({ kind: creates ? 'create' : 'login' }, 'sign-in attempt refused: rate limited')
    }
    throw error
  }
}
