/**
 * The CLI's exit codes (main.ts exits with them; the README lists them).
 * @module
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  /** The gateway could not be reached, or the connection dropped while signing in. */
  Unreachable: 3,
  /** Not signed in: locked, suspended, already online elsewhere, or input ended first. */
  SignInRefused: 4,
  /** The gateway ended the session: inactivity timeout, revoked, replaced, policy violation. */
  SessionEnded: 5,
  Interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
