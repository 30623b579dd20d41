/**
 * Sign-in, registration and sign-out pages. Every rejected input re-renders the form with its
 * message next to the field and the username kept (never the password). Sign-in and registration
 * replace any previous session of this browser (the old one is revoked server-side).
 * @module
 */
import type { AttemptLimiter, Auth, ClientInfo, IssuedSession } from '@parley/auth'
import { ErrorCode, isParleyError } from '@parley/protocol'
import { Type } from 'typebox'
import {
  clearCookieOptions,
  RETURNING_COOKIE,
  returningCookieOptions,
  SESSION_COOKIE,
  sessionCookieOptions,
} from '../http/cookies.js'
import { httpStatusOf } from '../http/error-status.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import type { BoardMetrics } from '../metrics/board-metrics.js'
import { authRateLimit } from './auth-rate-limit.js'
import { authFieldError, CsrfOnlyBody, type FieldErrors, field } from './forms.js'

export interface AuthRoutesOptions {
  auth: Auth
  /** Sign-in and registration attempt limits (@parley/auth, shared with the chat gateway). */
  attempts: AttemptLimiter
  /** Counts refused sign-ins, lockouts and new sessions; absent: nothing is counted. */
  metrics?: Pick<BoardMetrics, 'loginFailures' | 'lockouts' | 'sessionsCreated'>
}

/** Bounds only: the rules and their messages come from @parley/auth. */
const CredentialsBody = Type.Object({
  username: Type.String({ maxLength: 1000 }),
  password: Type.String({ maxLength: 8192 }),
  _csrf: Type.Optional(Type.String()),
})

type Mode = 'login' | 'register'

function clientOf(request: AnyRequest): ClientInfo {
  const userAgent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null }
}

export const authRoutes: BoardPlugin<AuthRoutesOptions> = async (app, { auth, attempts, metrics }) => {
  function countLoginFailure(mode: Mode, error: unknown) {
    if (mode !== 'login' || !metrics || !isParleyError(error)) return
    metrics.loginFailures.inc({ code: error.code })
    if (error.code === ErrorCode.NowLocked) metrics.lockouts.inc()
  }

  /** The rate limit, counted as a refused sign-in when it refuses one. */
  function limitCounted(mode: Mode) {
    const limit = authRateLimit(attempts, auth, mode)
    return async (request: AnyRequest) => {
      try {
        await limit(request)
      } catch (error) {
        countLoginFailure(mode, error)
        throw error
      }
    }
  }

  function renderForm(reply: AnyReply, mode: Mode, username: string, errors: FieldErrors, status = 200) {
    return reply.code(status).view(mode, {
      title: mode === 'login' ? 'Sign in' : 'Create an account',
      mode,
      username,
      errors,
      minPasswordLength: auth.config.minPasswordLength,
    })
  }

  async function startSession(request: AnyRequest, reply: AnyReply, session: IssuedSession) {
    // Rotation: whatever session this browser had before is ended server-side, not just replaced.
    const previous = request.cookies[SESSION_COOKIE]
    if (previous) await auth.logout(previous)
    reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt))
    reply.setCookie(RETURNING_COOKIE, '1', returningCookieOptions)
    return reply.redirect('/', 303)
  }

  for (const mode of ['login', 'register'] as const) {
    app.get(`/${mode}`, async (request, reply) => {
      if (request.user) return reply.redirect('/', 303)
      return renderForm(reply, mode, '', {})
    })

    app.post(
      `/${mode}`,
      { schema: { body: CredentialsBody }, attachValidation: true, preHandler: limitCounted(mode) },
      async (request, reply) => {
        const username = field(request.body, 'username')
        if (request.validationError) {
          return renderForm(reply, mode, username.slice(0, 100), { form: 'Fill in a username and a password.' }, 400)
        }
        const { password } = request.body
        try {
          const result =
            mode === 'login'
              ? await auth.login(username, password, clientOf(request))
              : await auth.register(username, password, clientOf(request))
          request.log.info({ userId: result.user.id }, mode === 'login' ? 'signed in' : 'registered')
          metrics?.sessionsCreated.inc({ kind: mode })
          return startSession(request, reply, result.session)
        } catch (error) {
          if (!isParleyError(error)) throw error
          countLoginFailure(mode, error)
          const retryAfterMs = error.details.retryAfterMs
          if (typeof retryAfterMs === 'number') reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)))
          return renderForm(reply, mode, username, authFieldError(error), httpStatusOf(error.code))
        }
      },
    )
  }

  app.post('/logout', { schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]
    if (token) await auth.logout(token)
    if (request.user) request.log.info('signed out') // the request's logger already names the user
    reply.clearCookie(SESSION_COOKIE, clearCookieOptions)
    return reply.redirect('/login', 303)
  })
}
