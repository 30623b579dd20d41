/**
 * The board's root pino logger. Secrets never reach the log: @parley/config's LOG_REDACTION (cookies,
 * authorization headers, CSRF tokens, passwords and session tokens) is redacted wherever it appears.
 * @module
 */
import { LOG_REDACTION } from '@parley/config'
import { type DestinationStream, type Logger, pino } from 'pino'

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: [...LOG_REDACTION.paths], censor: LOG_REDACTION.censor } }
  return destination ? pino(options, destination) : pino(options)
}
