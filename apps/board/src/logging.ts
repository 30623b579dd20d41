/**
 * The board's root pino logger. Secrets never reach the log: cookies, authorization headers,
 * CSRF tokens, passwords and session tokens are redacted wherever they appear.
 * @module
 */
import { type DestinationStream, type Logger, pino } from 'pino'

export const REDACT_PATHS = [
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
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }
  return destination ? pino(options, destination) : pino(options)
}
