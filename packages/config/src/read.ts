/**
 * Environment text → the value a schema checks. Text that does not parse is returned unchanged, so
 * the schema refuses it and the message names the variable and what was given (never NaN).
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
import type { Reader } from './setting.js'

const TRUE = ['1', 'true', 'yes', 'on']
const FALSE = ['0', 'false', 'no', 'off']

/** `undefined`: treat as unset (the default applies). */
export function readValue(reader: Reader, text: string, cwd: string): unknown {
  const trimmed = text.trim()
  switch (reader) {
    case 'string':
      return trimmed
    case 'integer':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : text
    case 'decimal':
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text
    case 'boolean': {
      const lower = trimmed.toLowerCase()
      if (TRUE.includes(lower)) return true
      if (FALSE.includes(lower)) return false
      return text
    }
    case 'list':
      return text.split(/[\s,]+/).filter((entry) => entry !== '')
    case 'path':
      return isAbsolute(text) ? text : resolve(cwd, text)
    case 'port-or-off':
      if (trimmed.toLowerCase() === 'off') return undefined
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : text
  }
}
