/**
 * The subset of pino's API auth uses. Auth logs security events with ids only: never a password, a
 * token, or a username that matched no account (people type their password into the name field).
 */
export interface AuthLogger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

export const silentLogger: AuthLogger = { info() {}, warn() {} }
