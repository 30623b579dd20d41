import { ErrorCode, ParleyError } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { normalizeUsername, usernameKeyOf } from '../src/index.js'

function codeFor(raw: string): string | null {
  try {
    normalizeUsername(raw)
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError)
    return (error as ParleyError).code
  }
}

describe('normalizeUsername', () => {
  it('accepts 1 to 32 characters, counting code points rather than UTF-16 units', () => {
    expect(codeFor('a')).toBeNull()
    expect(codeFor('a'.repeat(32))).toBeNull()
    expect(codeFor('😀'.repeat(32))).toBeNull() // 64 UTF-16 units, 32 characters
    expect(codeFor('Zoë_the-2nd.ok')).toBeNull()
  })

  it('rejects an empty name with UsernameEmpty', () => {
    expect(codeFor('')).toBe(ErrorCode.UsernameEmpty)
  })

  it('rejects 33 characters with UsernameTooLong and says the limit', () => {
    expect(codeFor('a'.repeat(33))).toBe(ErrorCode.UsernameTooLong)
    expect(() => normalizeUsername('😀'.repeat(33))).toThrow('at most 32 characters')
  })

  it('measures the length after NFC: 32 decomposed "é" are 32 characters', () => {
    const decomposed = 'e\u0301'.repeat(32) // 64 code points before NFC
    expect(normalizeUsername(decomposed).username).toBe('\u00e9'.repeat(32))
  })

  it.each([
    ['space', 'al ice'],
    ['leading space', ' alice'],
    ['tab', 'al\tice'],
    ['newline', 'alice\n'],
    ['NUL', 'al\0ice'],
    ['DEL', 'al\u007fice'],
    ['no-break space', 'al\u00a0ice'],
    ['ideographic space', 'al\u3000ice'],
    ['line separator', 'al\u2028ice'],
    ['zero-width space', 'al\u200bice'],
    ['zero-width joiner', 'al\u200dice'],
    ['right-to-left override', 'al\u202eice'],
    ['byte order mark', '\ufeffalice'],
    ['soft hyphen', 'al\u00adice'],
    ['lone surrogate', 'al\ud800ice'],
    ['private use', 'al\ue000ice'],
  ])('rejects a %s with UsernameBadCharacters', (_name, raw) => {
    expect(codeFor(raw)).toBe(ErrorCode.UsernameBadCharacters)
  })

  it('names the offending code point in the message', () => {
    expect(() => normalizeUsername('a b')).toThrow(/U\+0020/)
  })

  it('keys names case-insensitively and NFC-equal names alike', () => {
    expect(normalizeUsername('Alice').usernameKey).toBe(normalizeUsername('aLICE').usernameKey)
    expect(normalizeUsername('Jos\u00e9').usernameKey).toBe(normalizeUsername('JOSE\u0301').usernameKey)
    expect(normalizeUsername('Alice').username).toBe('Alice') // the display form keeps its case
  })

  it('folds case beyond toLowerCase: ß/SS, final sigma, long s and the Kelvin sign', () => {
    expect(usernameKeyOf('Straße')).toBe(usernameKeyOf('STRASSE'))
    expect(usernameKeyOf('ΟΔΟΣ')).toBe(usernameKeyOf('οδος'))
    expect(usernameKeyOf('οδοσ')).toBe(usernameKeyOf('οδος'))
    expect(usernameKeyOf('ſam')).toBe(usernameKeyOf('sam'))
    expect(normalizeUsername('\u212aelvin').usernameKey).toBe(normalizeUsername('kelvin').usernameKey)
  })
})
