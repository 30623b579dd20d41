/**
 * Post and reply bodies as a small, safe subset of Markdown: paragraphs, line breaks, **bold**, *italic*,
 * `code`, code blocks, > quotes, lists and links (written `[text](url)`, `<url>`, or a bare address).
 *
 * Two layers, so one mistake is not enough for markup to get through:
 * 1. markdown-it with raw HTML off (`html: false`: a `<` in the text comes out as `&lt;`) and only the rules of
 *    the subset switched on; headings, images, tables and rules stay plain text. Links must be http, https or
 *    mailto, otherwise they stay text.
 * 2. sanitize-html over the result with an allow-list of exactly the tags the subset produces, `href` as the only
 *    attribute (http/https/mailto only) and every link given `rel="nofollow noopener noreferrer"`.
 *
 * No `style` or `on*` attribute can survive, so the strict CSP needs no change.
 * @module
 */
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'
import { linkMentions } from './mentions.js'

/** The only link targets people may post: web pages and mail addresses. */
const SAFE_URL = /^(?:https?:\/\/|mailto:)/i

export const LINK_REL = 'nofollow noopener noreferrer'

// 'zero' turns every rule off; the subset is switched on by name, so a new markdown-it rule stays off.
const markdown = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false })
  .enable(['blockquote', 'code', 'fence', 'list'])
  .enable(['emphasis', 'backticks', 'link', 'autolink', 'linkify', 'escape', 'entity', 'newline'])
markdown.validateLink = (url) => SAFE_URL.test(url.trim())

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Anything else is dropped with its text kept (escaped): nothing outside the list reaches the page.
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const href = attribs.href ?? ''
      // A link whose address is not http/https/mailto becomes a <span>, which is not allowed: its text stays.
      return SAFE_URL.test(href) ? { tagName, attribs: { href, rel: LINK_REL } } : { tagName: 'span', attribs: {} }
    },
  },
}

/** Markdown → HTML that is safe to put inside a `<div>` of a page, whatever `text` holds. */
export function renderRichText(text: string): string {
  // Mentions are linked after sanitising (render/mentions.ts): their same-site links are not user markup.
  return linkMentions(sanitizeHtml(markdown.render(text), ALLOWED).trim())
}
