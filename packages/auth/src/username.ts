import { ErrorCode, ParleyError } from '@parley/protocol'
import { MAX_USERNAME_LENGTH } from './config.js'
import { skeleton } from './confusables.js'

/**
 * Characters a username may not contain: controls (Cc), format characters such as zero-width
 * joiners and bidi overrides (Cf), every separator (Z*: spaces, line and paragraph separators) and
 * other whitespace, lone surrogates (Cs), private-use (Co) and unassigned (Cn) code points. The
 * last three cannot be shown or compared reliably.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\p{White_Space}\p{Cs}\p{Co}\p{Cn}]/u

export interface NormalizedUsername {
  /** As typed, NFC-normalised: what others see. */
  username: string
  /** The case-insensitive unique key. */
  usernameKey: string
}

/** One round of the key: upper- then lower-case, then NFC. */
function foldOnce(text: string): string {
  return text.toUpperCase().toLowerCase().normalize('NFC')
}

/**
 * The unique key of a username: NFC, then upper-cased and lower-cased again, then NFC once more,
 * repeated until nothing changes. Upper-then-lower approximates Unicode full case folding without a
 * table: "ß" and "ss", final "ς" and "σ", "ſ" and "s" get one key, which plain `toLowerCase()`
 * misses. One round is not always enough: "ẞ" (U+1E9E) lower-cases to "ß", which the next round
 * turns into "ss"; Greek letters with a iota subscript can need a second round too. Both case
 * mappings are locale-independent in JavaScript; the NFC undoes decompositions they can produce.
 */
export function usernameKeyOf(nfcUsername: string): string {
  let key = foldOnce(nfcUsername)
  // Each round can only expand or settle a letter; a handful suffices for any real name.
  for (let round = 0; round < 4; round++) {
    const next = foldOnce(key)
    if (next === key) return key
    key = next
  }
  return key
}

/**
 * The key of the one-round rule, under which accounts made before the fixed-point rule were stored
 * (they differ only for names with "ẞ" or a Greek iota subscript): sign-in falls back to it.
 */
export function legacyUsernameKeyOf(nfcUsername: string): string {
  return foldOnce(nfcUsername)
}

/**
 * What makes two names look alike (Unicode TS #39): the confusable skeleton of the key, folded
 * again because prototypes can be capitals ("0" → "O"). So "аdmin" (Cyrillic а), "Admin" and
 * "adrnin" all share "admin"'s, and "b0b" shares "bob"'s.
 */
export function usernameSkeletonOf(usernameKey: string): string {
  return usernameKeyOf(skeleton(usernameKey).normalize('NFC'))
}

/** NFC-normalises a username and checks its rules, throwing a ParleyError naming the broken rule. */
export function normalizeUsername(raw: string): NormalizedUsername {
  const username = raw.normalize('NFC')
  if (username.length === 0) throw new ParleyError(ErrorCode.UsernameEmpty, 'Username must not be empty')
  // Lengths count code points (what a person calls characters), not UTF-16 units.
  const length = [...username].length
  if (length > MAX_USERNAME_LENGTH) {
    throw new ParleyError(
      ErrorCode.UsernameTooLong,
      `Username must be at most ${MAX_USERNAME_LENGTH} characters (it has ${length})`,
      { max: MAX_USERNAME_LENGTH },
    )
  }
  const bad = FORBIDDEN.exec(username)
  if (bad) {
    const codePoint = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    throw new ParleyError(
      ErrorCode.UsernameBadCharacters,
      `Username must not contain spaces, control or invisible characters (found ${codePoint})`,
      { codePoint },
    )
  }
  return { username, usernameKey: usernameKeyOf(username) }
}
