/**
 * Property-based tests (fast-check, bounded runs) of the username and password rules: pure
 * functions, so thousands of generated names cost well under a second.
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_USERNAME_LENGTH, normalizeUsername, usernameKeyOf } from '../src/index.js'
import { checkPassword } from '../src/password.js'

const RUNS = { numRuns: 500 }
const USERNAME_CODES: readonly string[] = [
  ErrorCode.UsernameEmpty,
  ErrorCode.UsernameTooLong,
  ErrorCode.UsernameBadCharacters,
]

function usernameOutcome(
  raw: string,
): { ok: true; username: string; usernameKey: string } | { ok: false; code: string } {
  try {
    return { ok: true, ...normalizeUsername(raw) }
  } catch (error) {
    if (!(error instanceof ParleyError)) throw error
    return { ok: false, code: error.code }
  }
}

function passwordOutcome(password: string, min: number, max: number): string | null {
  try {
    checkPassword(password, { minPasswordLength: min, maxPasswordLength: max })
    return null
  } catch (error) {
    if (!(error instanceof ParleyError)) throw error
    return error.code
  }
}

/** Characters that NFC leaves alone and that count as exactly one code point each. */
const stableChar = fc.constantFrom('a', 'Z', '7', '_', '-', '.', 'é', 'ß', 'Ω', 'ж', '中', '😀', '𝔸', '🔑', 'ǅ')
const stableString = (min: number, max: number) =>
  fc.array(stableChar, { minLength: min, maxLength: max }).map((chars) => chars.join(''))
/** A valid name: letters and digits from several scripts (NFC-stable, no forbidden characters). */
const validName = stableString(1, MAX_USERNAME_LENGTH - 1)

/** Every character a username must refuse: C0/C1 controls, DEL, separators, format and other whitespace. */
const forbiddenChar = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom(
    ' ',
    '\u00a0',
    '\u1680',
    '\u2000',
    '\u200a',
    '\u2028',
    '\u2029',
    '\u202f',
    '\u205f',
    '\u3000',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u200e',
    '\u202e',
    '\u2066',
    '\ufeff',
    '\u00ad',
    '\ud800',
    '\udfff',
    '\ue000',
    '\u{10ffff}',
  ),
)

describe('usernames', () => {
  it('either normalise or fail with a username code, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (raw) => {
        const outcome = usernameOutcome(raw)
        if (!outcome.ok) expect(USERNAME_CODES).toContain(outcome.code)
      }),
      RUNS,
    )
  })

  it('normalise idempotently: normalising the normalised name changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (raw) => {
        const first = usernameOutcome(raw)
        if (!first.ok) return
        expect(usernameOutcome(first.username)).toEqual(first)
        expect(first.username).toBe(first.username.normalize('NFC'))
        expect(usernameKeyOf(first.usernameKey)).toBe(first.usernameKey)
      }),
      RUNS,
    )
  })

  it('key names case-insensitively: any mix of cases gives the same key', () => {
    fc.assert(
      fc.property(
        fc.mixedCase(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        (mixed, raw) => {
          for (const name of [mixed, raw]) {
            const outcome = usernameOutcome(name)
            if (!outcome.ok) continue
            // Cases of the name as the user sees it (NFC): upper-casing text whose combining marks are
            // not in canonical order moves them ("ᾀ\u0301" → "ἈΊ", the accent on the iota), which is
            // another name, not another case of it.
            for (const variant of [outcome.username.toUpperCase(), outcome.username.toLowerCase()]) {
              const other = usernameOutcome(variant)
              // Upper-casing can lengthen a name past the limit (ß → SS); it is then a different, refused name.
              if (other.ok) expect(other.usernameKey).toBe(outcome.usernameKey)
            }
          }
        },
      ),
      RUNS,
    )
  })

  it('refuse a control, whitespace, invisible or unassigned character anywhere in the name', () => {
    fc.assert(
      fc.property(validName, forbiddenChar, fc.nat(), (name, bad, at) => {
        const chars = [...name]
        const position = at % (chars.length + 1)
        chars.splice(position, 0, bad)
        const outcome = usernameOutcome(chars.join(''))
        expect(outcome).toEqual({ ok: false, code: ErrorCode.UsernameBadCharacters })
      }),
      RUNS,
    )
  })

  it('count the length in code points: 1 to 32 accepted, 33 and more refused as too long', () => {
    fc.assert(
      fc.property(stableString(0, 80), (name) => {
        const length = [...name].length
        const outcome = usernameOutcome(name)
        if (length === 0) expect(outcome).toEqual({ ok: false, code: ErrorCode.UsernameEmpty })
        else if (length <= MAX_USERNAME_LENGTH)
          expect(outcome).toEqual({ ok: true, username: name, usernameKey: usernameKeyOf(name) })
        else expect(outcome).toEqual({ ok: false, code: ErrorCode.UsernameTooLong })
      }),
      RUNS,
    )
  })
})

describe('passwords', () => {
  it('either pass or fail with PasswordTooShort/PasswordTooLong, whatever the input and limits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 200 }),
        (password, min, extra) => {
          const code = passwordOutcome(password, min, min + extra)
          if (code !== null) expect([ErrorCode.PasswordTooShort, ErrorCode.PasswordTooLong]).toContain(code)
        },
      ),
      RUNS,
    )
  })

  it('accept exactly the lengths from min to max, counted in code points after NFC', () => {
    fc.assert(
      fc.property(
        stableString(0, 120),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (password, min, extra) => {
          const max = min + extra
          const length = [...password].length
          const expected = length < min ? ErrorCode.PasswordTooShort : length > max ? ErrorCode.PasswordTooLong : null
          expect(passwordOutcome(password, min, max)).toBe(expected)
        },
      ),
      RUNS,
    )
  })

  it('count a decomposed accent (e + U+0301) as one character, as NFC does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const decomposed = 'e\u0301'.repeat(n)
        expect(passwordOutcome(decomposed, n, n)).toBeNull()
        expect(passwordOutcome(decomposed, n + 1, n + 1)).toBe(ErrorCode.PasswordTooShort)
      }),
      { numRuns: 40 },
    )
  })
})
