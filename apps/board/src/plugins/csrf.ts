/**
 * CSRF protection by a signed double-submit token. A random secret lives in the HttpOnly
 * `__Host-parley-csrf` cookie; each rendered form carries `salt.HMAC(secret, salt)`. A request
 * from another site can neither read the cookie nor a page holding a token, so it cannot forge one.
 * Salting each token keeps it from being a fixed string in every response (BREACH).
 *
 * Every state-changing request is checked in `preValidation` (after the body is parsed), except
 * routes with `config: { csrf: 'manual' }` (streamed multipart uploads), which call
 * `app.verifyCsrf` themselves once they have read the token field. The token may come in the
 * `_csrf` form field or the `x-csrf-token` header.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { ErrorCode, ParleyError } from '@parley/protocol'
import fp from 'fastify-plugin'
import { CSRF_COOKIE, csrfCookieOptions } from '../http/cookies.js'
import type { AnyReply, AnyRequest } from '../http/types.js'

export const CSRF_FIELD = '_csrf'
export const CSRF_HEADER = 'x-csrf-token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'manual': the route checks the CSRF token itself (see plugins/csrf.ts). */
    csrf?: 'manual'
  }
  interface FastifyRequest {
    /** The CSRF secret chosen for this request when the browser sent none (set with the response). */
    csrfSecret: string | null
  }
  interface FastifyReply {
    /** A fresh token for a form on the page being rendered. */
    csrfToken(): string
  }
  interface FastifyInstance {
    verifyCsrf(request: AnyRequest, token: unknown): boolean
  }
}

function mac(secret: string, salt: string): Buffer {
  return createHmac('sha256', secret).update(salt).digest()
}

function secretOf(request: AnyRequest): string | null {
  const secret = request.cookies[CSRF_COOKIE]
  return secret && SECRET_PATTERN.test(secret) ? secret : null
}

export function verifyCsrfToken(request: AnyRequest, token: unknown): boolean {
  const secret = secretOf(request)
  if (!secret || typeof token !== 'string' || token.length > 128) return false
  const [salt, signature, extra] = token.split('.')
  if (!salt || !signature || extra !== undefined) return false
  const expected = mac(secret, salt)
  const given = Buffer.from(signature, 'base64url')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function tokenOf(request: AnyRequest): unknown {
  const body = request.body
  const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined
  return fromBody ?? request.headers[CSRF_HEADER]
}

export function csrfRejected(): ParleyError {
  return new ParleyError(
    ErrorCode.CsrfRejected,
    'This form has expired or was sent from another site. Reload the page and try again.',
  )
}

export const csrfPlugin = fp(
  async (app) => {
    app.decorateRequest('csrfSecret', null)
    app.decorateReply('csrfToken', function (this: AnyReply) {
      let secret = this.request.csrfSecret ?? secretOf(this.request)
      if (!secret) {
        secret = randomBytes(32).toString('base64url')
        this.request.csrfSecret = secret
        this.setCookie(CSRF_COOKIE, secret, csrfCookieOptions)
      }
      const salt = randomBytes(16).toString('base64url')
      return `${salt}.${mac(secret, salt).toString('base64url')}`
    })
    app.decorate('verifyCsrf', verifyCsrfToken)
    app.addHook('preValidation', async (request) => {
      if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === 'manual') return
      if (!verifyCsrfToken(request, tokenOf(request))) {
        request.log.warn({ url: request.url }, 'CSRF token missing or wrong')
        throw csrfRejected()
      }
    })
  },
  { name: 'parley-csrf', dependencies: ['@fastify/cookie'] },
)
