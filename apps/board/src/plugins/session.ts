/**
 * Who is signed in: `loadSession` reads the `__Host-parley` cookie and asks @parley/auth for the
 * session (idle and absolute expiry, revocation and suspension are decided there). The decorators
 * are declared once at the root; the hook is added only to the scopes that need a user, so static
 * files and health checks cost no storage lookup.
 * @module
 */
import type { Auth, PublicUser } from '@parley/auth'
import { ErrorCode, ParleyError } from '@parley/protocol'
import fp from 'fastify-plugin'
import { clearCookieOptions, SESSION_COOKIE } from '../http/cookies.js'
import type { AnyReply, AnyRequest } from '../http/types.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. Set by `loadSession`. */
    user: PublicUser | null
    /** The session token of the signed-in user, or null. */
    sessionToken: string | null
  }
}

export const sessionDecorators = fp(
  async (app) => {
    app.decorateRequest('user', null)
    app.decorateRequest('sessionToken', null)
  },
  { name: 'parley-session-decorators' },
)

/** An onRequest hook: sets `request.user` from the session cookie; clears a cookie that no longer works. */
export function loadSession(auth: Auth) {
  return async (request: AnyRequest, reply: AnyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE]
    if (!token) return
    const found = await auth.authenticate(token)
    if (found) {
      request.user = found.user
      request.sessionToken = token
      // Every later line of this request names the user (ids only, never the token).
      request.log = request.log.child({ userId: found.user.id })
      reply.log = request.log
    } else {
      reply.clearCookie(SESSION_COOKIE, clearCookieOptions)
    }
  }
}

/** The signed-in user; throws Unauthorized (a redirect to /login for browsers) otherwise. */
export function requireUser(request: AnyRequest): PublicUser {
  if (!request.user) throw new ParleyError(ErrorCode.Unauthorized, 'Please sign in first')
  return request.user
}

/**
 * The signed-in admin; Forbidden (403) for members. The role is the one read with the session on
 * this request, and @parley/auth checks it again on every moderation call.
 */
export function requireAdmin(request: AnyRequest): PublicUser {
  const user = requireUser(request)
  if (user.role !== 'admin') throw new ParleyError(ErrorCode.Forbidden, 'Only admins can see this page.')
  return user
}
