/** Accounts, sessions and the attempt limiter: the same rules on every board and gateway. */
import { Type } from 'typebox'
import { combine, defineSettings } from '../define.js'

export const passwordSettings = defineSettings(
  {
    minPasswordLength: Type.Integer({ minimum: 1, maximum: 1024 }),
  },
  {
    minPasswordLength: {
      env: 'MIN_PASSWORD_LENGTH',
      read: 'integer',
      default: 8,
      shown: '`8`',
      doc: 'minimum length of a new password (`pnpm parley users reset-password` obeys it too)',
    },
  },
)

export const sessionSettings = defineSettings(
  {
    /** Seconds an account stays locked after 3 wrong passwords in a row. */
    blockDurationSeconds: Type.Integer({ minimum: 1 }),
    sessionIdleMinutes: Type.Integer({ minimum: 1 }),
    sessionAbsoluteHours: Type.Integer({ minimum: 1 }),
  },
  {
    blockDurationSeconds: {
      env: 'BLOCK_DURATION_SECONDS',
      formerly: ['BLOCK_DURATION'],
      read: 'integer',
      default: 60,
      shown: '`60`',
      doc: "seconds an account stays blocked after 3 wrong passwords (the gateway's `--block-duration`)",
    },
    sessionIdleMinutes: {
      env: 'SESSION_IDLE_MINUTES',
      read: 'integer',
      default: 30,
      shown: '`30`',
      doc: 'a session unused this long ends',
    },
    sessionAbsoluteHours: {
      env: 'SESSION_ABSOLUTE_HOURS',
      read: 'integer',
      default: 12,
      shown: '`12`',
      doc: 'a session ends this long after sign-in, however it is used',
    },
  },
)

export const attemptSettings = defineSettings(
  {
    /** Sign-in (and registration) attempts a minute per client address and per account name. */
    authRateLimitPerMinute: Type.Integer({ minimum: 1 }),
    /** Accounts created an hour per client address (IPv6: per /64). */
    authCreateRateLimitPerHour: Type.Integer({ minimum: 1 }),
  },
  {
    authRateLimitPerMinute: {
      env: 'AUTH_RATE_LIMIT',
      read: 'integer',
      default: 10,
      shown: '`10`',
      doc: 'sign-in / registration attempts a minute, per IP (IPv6: /64) and per account name',
      deploy:
        'Sign-in (and registration) attempts a minute per client address (IPv6: per /64) and per account name. Counted in Redis under `BUS_PREFIX` (`attempts:*` keys with a TTL) so every instance counts together.',
    },
    authCreateRateLimitPerHour: {
      env: 'AUTH_CREATE_RATE_LIMIT',
      read: 'integer',
      default: 20,
      shown: '`20`',
      doc: 'accounts created an hour per IP (board registration, chat `login {create}`)',
    },
  },
)

/** The chat's `lookup` (does this name exist?), which only the gateway answers. */
export const lookupAttemptSettings = defineSettings(
  { authLookupRateLimitPerMinute: Type.Integer({ minimum: 1 }) },
  {
    authLookupRateLimitPerMinute: {
      env: 'AUTH_LOOKUP_RATE_LIMIT',
      read: 'integer',
      default: 30,
      shown: '`30`',
      doc: 'chat `lookup`s (does this name exist?) a minute per IP',
    },
  },
)

/** What board and gateway share: passwords, sessions, attempts. */
export const authSettings = combine(passwordSettings, sessionSettings, attemptSettings)
