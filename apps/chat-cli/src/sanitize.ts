/**
 * Makes other people's text safe to print on a terminal: control characters (C0, DEL, C1), and
 * with them every ANSI/OSC escape sequence, become visible notation instead of acting on the
 * terminal; characters that reorder or hide text (bidi controls, line separators) are shown as
 * code points. Pure.
 * @module
 */

// Bidi embedding/override/isolate controls and the Unicode line/paragraph separators.
const INVISIBLE = new Set([0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069])

function hex(code: number): string {
  return code.toString(16).padStart(2, '0')
}

function escapeCodePoint(code: number): string {
  // Tab is harmless except for alignment: one space keeps the line readable.
  if (code === 0x09) return ' '
  // Caret notation for C0 (ESC → ^[, newline → ^J) and DEL (^?), as `cat -v` shows them.
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`
  if (code === 0x7f) return '^?'
  // C1 controls (0x9b is an 8-bit CSI on some terminals).
  if (code >= 0x80 && code <= 0x9f) return `\\x${hex(code)}`
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`
}

function needsEscape(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || INVISIBLE.has(code)
}

export function sanitize(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    out += needsEscape(code) ? escapeCodePoint(code) : char
  }
  return out
}
