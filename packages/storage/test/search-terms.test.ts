import { describe, expect, it } from 'vitest'
import {
  fts5Query,
  MATCH_END,
  MATCH_START,
  MAX_SEARCH_TERM_LENGTH,
  MAX_SEARCH_TERMS,
  searchTerms,
  snippetParts,
} from '../src/search-terms.js'

describe('searchTerms', () => {
  it('keeps the words only: letters, digits and marks of any script', () => {
    expect(searchTerms('"ferry" AND (times)* -noon body:café')).toEqual([
      'ferry',
      'AND',
      'times',
      'noon',
      'body',
      'café',
    ])
    expect(searchTerms('東京都 e\u0301 x_y 3.14')).toEqual(['東京都', 'é', 'x', 'y', '3', '14'])
    expect(searchTerms(' "\'*^()[]{}:;,.!?\u0000\u0002 ')).toEqual([])
  })

  it('drops repeats (whatever their case), keeps at most MAX_SEARCH_TERMS, cuts long words', () => {
    expect(searchTerms('Ferry ferry FERRY boat')).toEqual(['Ferry', 'boat'])
    expect(searchTerms(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_SEARCH_TERMS)
    expect(searchTerms('a'.repeat(500))).toEqual(['a'.repeat(MAX_SEARCH_TERM_LENGTH)])
  })

  it('quotes every term for FTS5, so none is an operator', () => {
    expect(fts5Query(['NEAR', 'ferry'])).toBe('"NEAR" "ferry"')
    expect(fts5Query(['a"b'])).toBe('"a""b"')
  })
})

describe('snippetParts', () => {
  it('turns marked text into plain-text parts, the marked ones flagged', () => {
    expect(snippetParts(`the ${MATCH_START}<b>ferry${MATCH_END} & ${MATCH_START}boat${MATCH_END}`)).toEqual([
      { text: 'the ', match: false },
      { text: '<b>ferry', match: true },
      { text: ' & ', match: false },
      { text: 'boat', match: true },
    ])
    expect(snippetParts('')).toEqual([])
    // A stray marker from the text itself only moves a highlight; every character stays text.
    expect(snippetParts(`a${MATCH_END}b${MATCH_START}`)).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: false },
    ])
  })
})
