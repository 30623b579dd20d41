/** The log level, and what never reaches a log. */
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

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
