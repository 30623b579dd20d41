/**
 * Conditional requests (RFC 9110 §13) for one file, evaluated in the order of §13.2.2:
 * If-Match → If-Unmodified-Since → If-None-Match → If-Modified-Since, then If-Range for a range request.
 * @module
 */
import { parseHttpDate } from './http-date.js'

export interface Validators {
  /** The strong ETag, quotes included. */
  etag: string
  /** Last-Modified in milliseconds, already cut to whole seconds (what the header can express). */
  lastModifiedMs: number
}

/** What the preconditions ask for: serve normally, answer 304, or answer 412. */
export type PreconditionOutcome = 'proceed' | 'not-modified' | 'failed'

export interface ConditionalHeaders {
  'if-match'?: string | undefined
  'if-none-match'?: string | undefined
  'if-modified-since'?: string | undefined
  'if-unmodified-since'?: string | undefined
  'if-range'?: string | undefined
}

interface EntityTag {
  weak: boolean
  /** The quoted opaque tag, `"…"`. */
  opaque: string
}

const ENTITY_TAG = /(W\/)?("[^"]*")/g

/** `*`, or the entity-tags in a list header. Commas may legally occur inside a tag, so it is not split on them. */
function parseTagList(value: string): '*' | EntityTag[] {
  if (value.trim() === '*') return '*'
  return [...value.matchAll(ENTITY_TAG)].map((m) => ({ weak: m[1] !== undefined, opaque: m[2]! }))
}

function strongMatch(tag: EntityTag, etag: string): boolean {
  return !tag.weak && tag.opaque === etag
}

function weakMatch(tag: EntityTag, etag: string): boolean {
  return tag.opaque === etag.replace(/^W\//, '')
}

export function evaluatePreconditions(headers: ConditionalHeaders, v: Validators): PreconditionOutcome {
  const ifMatch = headers['if-match']
  if (ifMatch !== undefined) {
    const tags = parseTagList(ifMatch)
    if (tags !== '*' && !tags.some((tag) => strongMatch(tag, v.etag))) return 'failed'
  } else {
    const since = parseHttpDate(headers['if-unmodified-since'])
    if (since !== null && v.lastModifiedMs > since) return 'failed'
  }

  const ifNoneMatch = headers['if-none-match']
  if (ifNoneMatch !== undefined) {
    const tags = parseTagList(ifNoneMatch)
    if (tags === '*' || tags.some((tag) => weakMatch(tag, v.etag))) return 'not-modified'
    return 'proceed' // If-Modified-Since is ignored when If-None-Match is present
  }
  const since = parseHttpDate(headers['if-modified-since'])
  if (since !== null && v.lastModifiedMs <= since) return 'not-modified'
  return 'proceed'
}

/**
 * Whether a Range may be honoured under If-Range (§13.1.5): absent, or an entity-tag that matches
 * strongly, or an HTTP-date equal to Last-Modified. Anything else (stale, weak, unparseable) means
 * "send the whole representation".
 */
export function ifRangeAllowsRange(ifRange: string | undefined, v: Validators): boolean {
  if (ifRange === undefined) return true
  const value = ifRange.trim()
  if (value.startsWith('"') || value.startsWith('W/')) {
    return /^"[^"]*"$/.test(value) && value === v.etag
  }
  const date = parseHttpDate(value)
  return date !== null && date === v.lastModifiedMs
}
