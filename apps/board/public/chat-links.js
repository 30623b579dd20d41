// Links in chat messages: web addresses (http, https) and mail addresses become clickable, the rest stays
// text. Elements are made with DOM calls (createElement, textContent, href), never from HTML, so a message
// can only ever produce text and <a> elements. Used by chat-view.js; linkSegments is pure (tested in Node).

/** What the page puts on every link a person wrote: no ranking credit, no opener, no referrer. */
export const LINK_REL = 'nofollow noopener noreferrer'

// A web address, an explicit mailto: address, or a bare mail address.
const CANDIDATE =
  /\bhttps?:\/\/[^\s<>"'`]+|\bmailto:[^\s<>"'`]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi
// Punctuation that ends a sentence rather than an address ("see https://example.com.").
const TRAILING = /[.,;:!?'")\]}>*_~]+$/

/** Drops trailing punctuation, keeping a closing bracket that closes one opened in the address. */
function trimAddress(text) {
  let address = text
  for (;;) {
    const trailing = TRAILING.exec(address)
    if (!trailing) return address
    const last = address.at(-1)
    const opener = { ')': '(', ']': '[', '}': '{' }[last]
    if (opener && address.split(opener).length >= address.split(last).length) return address
    address = address.slice(0, -1)
  }
}

/** The address a link may point to, or null: only http, https and mailto, as the URL parser reads it. */
function safeHref(address) {
  const href = /^(?:https?|mailto):/i.test(address) ? address : `mailto:${address}`
  try {
    const url = new URL(href)
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

/**
 * `text` cut into pieces: `{ text }` for plain text, `{ text, href }` for a link. Joining every piece's
 * text gives `text` back unchanged.
 */
export function linkSegments(text) {
  const segments = []
  let from = 0
  for (const match of text.matchAll(CANDIDATE)) {
    const address = trimAddress(match[0])
    const href = address === '' ? null : safeHref(address)
    if (href === null) continue
    if (match.index > from) segments.push({ text: text.slice(from, match.index) })
    segments.push({ text: address, href })
    from = match.index + address.length
  }
  if (from < text.length) segments.push({ text: text.slice(from) })
  return segments
}

/** Sets `element`'s content to `text`, its addresses as links (opening in a new tab). */
export function showLinkedText(element, text) {
  const nodes = linkSegments(text).map((segment) => {
    if (segment.href === undefined) return document.createTextNode(segment.text)
    const link = document.createElement('a')
    link.href = segment.href
    link.rel = LINK_REL
    link.target = '_blank'
    link.textContent = segment.text
    return link
  })
  element.replaceChildren(...nodes)
}
