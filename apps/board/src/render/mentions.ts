/**
 * `@name` mentions in rendered post HTML: the text of a post (outside links and code) that names a
 * user becomes a link to that user's page, and the same scan tells the board whom to notify, so a
 * name is linked exactly when it notifies.
 *
 * A mention is `@` followed by letters, marks, digits, `_`, `.` or `-` (ending in a letter, mark, digit
 * or `_`, so "@ann." at the end of a sentence names "ann"), up to 32 characters, and not preceded by
 * one of those characters or `@` / `/` (so "ann@example.org" and URLs are not mentions). Usernames
 * with other characters exist but cannot be mentioned. Nothing here needs escaping: the HTML comes
 * from `renderRichText` (sanitised), its text is already escaped, and a matched name contains no
 * character HTML gives a meaning to; the link's path is percent-encoded as well.
 * @module
 */

/** The longest name a mention matches (code points), the username limit. */
export const MAX_MENTION_LENGTH = 32
/** A post notifies at most this many people by name; further names are still linked. */
export const MAX_MENTIONS_PER_POST = 20

const NAME_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`
const MENTION = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}_.\-@/])@(${NAME_CHAR}(?:[\p{L}\p{M}\p{N}_.\-]*${NAME_CHAR})?)`,
  'gu',
)
/** Elements whose text is never scanned: an existing link, code. */
const SKIPPED = new Set(['a', 'code', 'pre'])
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g

/** The page a mention links to. */
export function userPath(name: string): string {
  return `/users/${encodeURIComponent(name)}`
}

/** Calls `onText` for each text run of `html` outside skipped elements, keeping tags as they are. */
function mapText(html: string, onText: (text: string) => string): string {
  let out = ''
  let last = 0
  let skipDepth = 0
  for (const match of html.matchAll(TAG)) {
    const text = html.slice(last, match.index)
    out += skipDepth > 0 ? text : onText(text)
    const tag = match[0]
    const name = match[1]!.toLowerCase()
    if (SKIPPED.has(name)) skipDepth += tag.startsWith('</') ? -1 : 1
    if (skipDepth < 0) skipDepth = 0
    out += tag
    last = match.index + tag.length
  }
  const rest = html.slice(last)
  return out + (skipDepth > 0 ? rest : onText(rest))
}

function accept(name: string): boolean {
  return [...name].length <= MAX_MENTION_LENGTH
}

/** `html` (from `renderRichText`) with each mention turned into a link to the user's page. */
export function linkMentions(html: string): string {
  if (!html.includes('@')) return html
  return mapText(html, (text) =>
    text.replace(MENTION, (whole, name: string) =>
      accept(name) ? `<a class="mention" href="${userPath(name)}">@${name}</a>` : whole,
    ),
  )
}

const MENTION_LINK = /<a class="mention" href="\/users\/([^"]+)">/g

/**
 * The distinct names mentioned in `html` (from `renderRichText`, which links mentions last), in order,
 * at most `MAX_MENTIONS_PER_POST`: read from the links themselves, so whoever is linked is notified.
 */
export function mentionedNames(html: string): string[] {
  const names: string[] = []
  for (const match of html.matchAll(MENTION_LINK)) {
    const name = decodeURIComponent(match[1]!)
    if (!names.includes(name)) names.push(name)
    if (names.length === MAX_MENTIONS_PER_POST) break
  }
  return names
}
