import { ErrorCode, ParleyError } from '@parley/protocol'

/** Longest reason kept for a moderation action or a report (the board's forms use the same limit). */
export const MAX_REASON_LENGTH = 500

/**
 * A reason as stored: NFC, one line (control characters become spaces), trimmed; empty means none.
 * Too long: ParleyError BadMessage with `{ max }`.
 */
export function cleanReason(reason: string | null | undefined): string | null {
  if (reason === null || reason === undefined) return null
  const cleaned = reason
    .normalize('NFC')
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
  if (cleaned === '') return null
  if ([...cleaned].length > MAX_REASON_LENGTH) {
    throw new ParleyError(ErrorCode.BadMessage, `Reason must be at most ${MAX_REASON_LENGTH} characters`, {
      max: MAX_REASON_LENGTH,
    })
  }
  return cleaned
}
