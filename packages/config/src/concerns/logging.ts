/** The log level, and what never reaches a log. */
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * pino's `redact` for every app: cookies, authorization headers, CSRF values, passwords and tokens
 * are replaced wherever they appear (top level or one object down, and in request/response headers).
 */
export const LOG_REDACTION = Object.freeze({
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'req.headers["x-csrf-token"]',
    'res.headers["set-cookie"]',
    'headers.cookie',
    'headers.authorization',
    'headers["set-cookie"]',
    'password',
    'token',
    '_csrf',
    'cookie',
    'authorization',
    '*.password',
    '*.token',
    '*._csrf',
    '*.cookie',
    '*.authorization',
  ],
  censor: '[redacted]',
})

export const loggingSettings = defineSettings(
  {
    logLevel: Type.Union(LOG_LEVELS.map((level) => Type.Literal(level))),
  },
  {
    logLevel: {
      env: 'LOG_LEVEL',
      read: 'string',
      default: 'info',
      message: `must be one of ${LOG_LEVELS.join(', ')}`,
      shown: '`info`',
      doc: 'pino level',
      deploy: 'JSON logs on stdout (pino); passwords, tokens and cookies are redacted.',
    },
  },
)
