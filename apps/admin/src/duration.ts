import { UsageError } from './command.js'

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }

/** "3600", "90s", "15m", "12h", "7d", "2w" → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)([smhdw]?)$/.exec(text.trim())
  const seconds = match ? Number(match[1]) * UNITS[match[2] || 's']! : Number.NaN
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > 100 * 365 * 86_400) {
    throw new UsageError(`${option} takes a positive number of seconds, or with a unit: 90s, 15m, 12h, 7d, 2w`)
  }
  return seconds * 1000
}
