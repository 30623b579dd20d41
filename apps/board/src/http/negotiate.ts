/** True when the client asked for JSON rather than a page (API clients, board.js fetches). */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const json = accept.indexOf('application/json')
  if (json === -1) return false
  const html = accept.indexOf('text/html')
  return html === -1 || json < html
}
