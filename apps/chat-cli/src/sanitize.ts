/**
 * Makes other people's text safe to print on a terminal: control characters (C0, DEL, C1), and
 * with them every ANSI/OSC escape sequence, become visible notation instead of acting on the
 * terminal; characters that reorder or hide text (every format character, Cf, and the line
 * separators) are shown as code points. Pure.
 * @module
 */

// The Unicode line/paragraph separators (Zl, Zp): they break lines on some terminals.
const SEPARATORS = new Set([0x2028, 0x2029])
// Every format character (Cf): bidi embeddings, overrides and isolates, and the invisible ones that
// hide or join text (U+200B–U+200F, U+061C, U+2060–U+2064, U+FEFF, U+00AD, tag characters, …).
// A name or text with one is shown with it spelled out, so "ad\u200Bmin" cannot pass for "admin".
const FORMAT = /^\p{Cf}$/u

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
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || SEPARATORS.has(code)
}

export function sanitize(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    out += needsEscape(code) || (code > 0x7f && FORMAT.test(char)) ? escapeCodePoint(code) : char
  }
  return out
}
