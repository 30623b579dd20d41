import { MAX_REASON_LENGTH } from '@parley/auth'
import { isParleyError } from '@parley/protocol'
import { CommandError, UsageError } from './command.js'

/** The `--reason` option of the moderation commands: stored in the audit log with the action. */
export const reasonOption = { reason: { type: 'string' } } as const

export const REASON_USAGE = `  --reason <text>   why, for the audit log (at most ${MAX_REASON_LENGTH} characters)`

/** The `--reason` value, or null when absent or blank; too long is a usage error (exit 2). */
export function readReason(values: Record<string, unknown>): string | null {
  const reason = values.reason
  if (typeof reason !== 'string' || reason.trim() === '') return null
  if ([...reason.trim()].length > MAX_REASON_LENGTH) {
    throw new UsageError(`--reason must be at most ${MAX_REASON_LENGTH} characters`)
  }
  return reason
}

/** Runs an audited auth call; its refusals (unknown user, bad input) become a CommandError (exit 1). */
export async function audited<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    if (isParleyError(error)) throw new CommandError(`${error.message}; nothing changed.`, { cause: error })
    throw error
  }
}
