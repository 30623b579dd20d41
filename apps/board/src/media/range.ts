/**
 * Decides how to answer a `Range` header for a file of a known size (RFC 9110 §14).
 *
 * The header is first checked against the RFC grammar here, because `range-parser` silently drops an
 * invalid spec such as `bytes=5-2` and would turn a malformed header into a 416 instead of ignoring it.
 * A well-formed header is then evaluated by `range-parser` with `combine: true` (overlapping and adjacent
 * ranges merged). Multi-range requests that still leave several disjoint ranges are answered with the
 * whole file (200), which RFC 9110 allows; we never send `multipart/byteranges`.
 * @module
 */
import rangeParser from 'range-parser'

export type RangePlan =
  /** Send the whole file with 200: no Range, an ignorable one, or disjoint multiple ranges. */
  | { kind: 'whole' }
  /** Send bytes `start..end` (inclusive) with 206. */
  | { kind: 'partial'; start: number; end: number }
  /** Answer 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' }

const WHOLE: RangePlan = { kind: 'whole' }

/** More specs than this in one header is abuse, not a media player (RFC 9110 §14.2 lets us ignore it). */
export const MAX_RANGE_SPECS = 64

const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/

/**
 * The range specs of a syntactically valid `bytes=` header, normalised; null when it must be ignored.
 * A suffix longer than the file means the whole file (RFC 9110 §14.1.3), which range-parser would
 * instead drop as unsatisfiable, so it is rewritten to `0-`.
 */
function validByteRangeSpecs(header: string, size: number): string[] | null {
  const equals = header.indexOf('=')
  if (equals === -1) return null
  if (header.slice(0, equals).toLowerCase() !== 'bytes') return null // other or unknown unit: ignore
  // A list may contain empty elements and optional whitespace around them (RFC 9110 §5.6.1).
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
  if (specs.length === 0 || specs.length > MAX_RANGE_SPECS) return null
  const normalised: string[] = []
  for (const spec of specs) {
    const match = RANGE_SPEC.exec(spec)
    if (!match) return null
    if (match[2] && BigInt(match[2]) < BigInt(match[1]!)) return null // last-pos < first-pos: invalid
    normalised.push(match[3] !== undefined && BigInt(match[3]) > BigInt(size) ? '0-' : spec)
  }
  return normalised
}

export function planRange(header: string | undefined, size: number): RangePlan {
  if (header === undefined) return WHOLE
  // An empty file has no byte to point at; answering 416 would send some players into a retry loop.
  if (size === 0) return WHOLE
  const specs = validByteRangeSpecs(header, size)
  if (specs === null) return WHOLE
  const ranges = rangeParser(size, `bytes=${specs.join(',')}`, { combine: true })
  if (ranges === -2) return WHOLE
  if (ranges === -1) return { kind: 'unsatisfiable' }
  if (ranges.length !== 1) return WHOLE
  const [range] = ranges
  return { kind: 'partial', start: range!.start, end: range!.end }
}
