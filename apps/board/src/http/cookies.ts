/**
 * The board's cookies. All use the `__Host-` prefix: the browser only accepts them over HTTPS, for
 * the exact host (no Domain) and Path=/, so neither a sibling subdomain nor a plain-HTTP page can
 * plant or overwrite them.
 * @module
 */
import type { CookieSerializeOptions } from '@fastify/cookie'

/** The session cookie's name is @parley/auth's: the gateway reads the same cookie. */
export { SESSION_COOKIE } from '@parley/auth'
export const CSRF_COOKIE = '__Host-parley-csrf'
/** Set once this browser signed in or registered: a first-time visitor is sent to /register, others to /login. */
export const RETURNING_COOKIE = '__Host-parley-returning'

const base: CookieSerializeOptions = { path: '/', secure: true, httpOnly: true, sameSite: 'lax' }

export function sessionCookieOptions(expiresAt: number): CookieSerializeOptions {
  return { ...base, expires: new Date(expiresAt) }
}

export const csrfCookieOptions: CookieSerializeOptions = base

export const returningCookieOptions: CookieSerializeOptions = { ...base, maxAge: 365 * 24 * 3600 }

export const clearCookieOptions: CookieSerializeOptions = base
