/** HTML escaping for markup built in code rather than in a template (post list, attachments). @module */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const SPECIAL = /[&<>"']/
const SPECIAL_ALL = /[&<>"']/g

/** The same escaping as Eta's `<%= %>` (views.ts): & < > " ' as entities. */
export function escapeHtml(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (char) => ESCAPES[char] ?? char) : value
}
