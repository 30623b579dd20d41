/**
 * Turns what a user typed into a search box into terms both backends accept, so that no text
 * (quotes, operators, punctuation, control characters, any script) can make a search fail or
 * mean more than "these words". A term is a run of letters, digits and marks, as the SQLite
 * `unicode61` tokenizer and PostgreSQL's parser read words; all terms must match (AND).
 * @module
 */
import type { SnippetPart } from './types.js'

/** At most this many terms are used (the rest are ignored): each term is one more index lookup. */
export const MAX_SEARCH_TERMS = 8
/** Longer terms are cut: no word of a post is longer, and this bounds the work per term. */
export const MAX_SEARCH_TERM_LENGTH = 64
/** Only this much of the typed text is read. */
const MAX_QUERY_SCAN = 1000
/** Deepest result a search pages to (offset + limit): ranking further is work nobody reads. */
export const MAX_SEARCH_DEPTH = 1000

const wordPattern = /[\p{L}\p{N}\p{M}]+/gu

/** Distinct words of the query, in order, at most `MAX_SEARCH_TERMS`, each at most `MAX_SEARCH_TERM_LENGTH` code points. */
export function searchTerms(query: string): string[] {
  const terms: string[] = []
  const seen = new Set<string>()
  for (const [word] of query.slice(0, MAX_QUERY_SCAN).normalize('NFC').matchAll(wordPattern)) {
    const term = [...word].slice(0, MAX_SEARCH_TERM_LENGTH).join('')
    const key = term.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    terms.push(term)
    if (terms.length === MAX_SEARCH_TERMS) break
  }
  return terms
}

/** An FTS5 MATCH expression: every term a quoted string (never an operator, column filter or prefix). */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' ')
}

/** Checks a search page once for both backends; bad values are programming errors, not user input. */
export function checkSearchPage(limit: number, offset: number): void {
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`search limit must be a positive integer and offset a non-negative one (${limit}, ${offset})`)
  }
  if (offset + limit > MAX_SEARCH_DEPTH) {
    throw new RangeError(`search pages reach at most ${MAX_SEARCH_DEPTH} results deep (${offset} + ${limit})`)
  }
}

/**
 * The backends mark matched words in an excerpt with these control characters (STX/ETX), which
 * `snippetParts` turns into plain-text parts: the excerpt never carries markup, so whoever shows
 * it escapes every part as text. A body containing these characters itself only moves a highlight.
 */
export const MATCH_START = '\u0002'
export const MATCH_END = '\u0003'

export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let match = false
  let text = ''
  const flush = () => {
    if (text !== '') parts.push({ text, match })
    text = ''
  }
  for (const char of marked) {
    if (char === MATCH_START || char === MATCH_END) {
      flush()
      match = char === MATCH_START
    } else {
      text += char
    }
  }
  flush()
  return parts
}
