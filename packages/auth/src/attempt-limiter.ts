/**
 * One limiter for every sign-in endpoint (the board's forms, the gateway's `lookup`, `login` and
 * `login {create}`, any later client): fixed-window counters per client address (IPv6 by /64)
 * and per account name, kept in an `AttemptStore` (this process's memory, or Redis so that every
 * instance counts together). It slows down account enumeration, password spraying across accounts,
 * guessing at one account from many addresses and bulk account creation; the 3-strikes lockout
 * still applies on top. Every attempt counts, successful or not, before any argon2 work is done.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { AttemptStore } from './attempt-store.js'
import { clientAddressKey } from './client-address.js'

/** What is being attempted: each has its own counters. */
export type AttemptKind = 'lookup' | 'login' | 'create'

export interface AttemptLimits {
  /** Sign-in attempts a minute, per client address and per account name (board and chat). Default 10. */
  loginPerMinute: number
  /** Account-name lookups a minute per client address (the chat's `lookup`). Default 30. */
  lookupPerMinute: number
  /** Accounts created an hour per client address (board registration, chat `login {create}`). Default 20. */
  createPerHour: number
}

export const defaultAttemptLimits: AttemptLimits = Object.freeze({
  loginPerMinute: 10,
  lookupPerMinute: 30,
  createPerHour: 20,
})

export interface Attempt {
  /** The client's address as the app sees it (after its trusted-proxy rule); null when unknown. */
  ip: string | null | undefined
  /** The account name's key (`usernameKeyOf`), for limits per account; absent for lookups. */
  accountKey?: string | undefined
}

export interface AttemptLimiter {
  readonly limits: AttemptLimits
  /**
   * Counts one attempt; throws ParleyError RateLimited (details.retryAfterMs) when it is over a
   * limit, with a message saying which one.
   */
  check(kind: AttemptKind, attempt: Attempt): Promise<void>
  /**
   * Resolves once the counts are shared (Redis connected), or after `timeoutMs` (they are then kept
   * in this process until Redis is back). Apps wait for it before they start listening.
   */
  ready(timeoutMs?: number): Promise<void>
  /** Releases the store (a Redis connection). */
  close(): Promise<void>
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE

interface Rule {
  scope: 'ip' | 'account'
  max: number
  windowMs: number
  message: string
}

function rulesOf(limits: AttemptLimits): Record<AttemptKind, Rule[]> {
  const perMinute = (scope: Rule['scope'], max: number, message: string): Rule => ({
    scope,
    max,
    windowMs: MINUTE,
    message,
  })
  return {
    lookup: [perMinute('ip', limits.lookupPerMinute, 'Too many name lookups from your address.')],
    login: [
      perMinute('ip', limits.loginPerMinute, 'Too many attempts from your address.'),
      perMinute('account', limits.loginPerMinute, 'Too many attempts for this account name.'),
    ],
    create: [
      perMinute('ip', limits.loginPerMinute, 'Too many attempts from your address.'),
      perMinute('account', limits.loginPerMinute, 'Too many attempts for this account name.'),
      { scope: 'ip', max: limits.createPerHour, windowMs: HOUR, message: 'Too many new accounts from your address.' },
    ],
  }
}

function requireLimit(name: keyof AttemptLimits, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`attempt limit ${name} must be a positive integer, got ${value}`)
  }
}

export function createAttemptLimiter(options: {
  store: AttemptStore
  limits?: Partial<AttemptLimits>
}): AttemptLimiter {
  const limits: AttemptLimits = { ...defaultAttemptLimits, ...options.limits }
  for (const name of Object.keys(defaultAttemptLimits) as (keyof AttemptLimits)[]) requireLimit(name, limits[name])
  const rules = rulesOf(limits)
  const { store } = options
  return {
    limits,
    async check(kind, attempt) {
      for (const rule of rules[kind]) {
        const subject = rule.scope === 'ip' ? clientAddressKey(attempt.ip) : attempt.accountKey
        if (subject === undefined) continue
        const key = `${kind}:${rule.windowMs}:${rule.scope}:${subject}`
        const { count, resetInMs } = await store.hit(key, rule.windowMs)
        if (count > rule.max) {
          const retryAfterMs = Math.max(1, resetInMs)
          throw new ParleyError(
            ErrorCode.RateLimited,
            `${rule.message} Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
            { retryAfterMs },
          )
        }
      }
    },
    ready: async (timeoutMs = 5000) => {
      await store.ready?.(timeoutMs)
    },
    close: () => store.close(),
  }
}
