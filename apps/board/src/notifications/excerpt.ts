/** The first words of a post for a notification: whitespace folded, cut at a word near `max` characters. */
export const EXCERPT_LENGTH = 80

export function excerptOf(body: string, max = EXCERPT_LENGTH): string {
  const text = body.replace(/\s+/gu, ' ').trim()
  const chars = [...text]
  if (chars.length <= max) return text
  const cut = chars.slice(0, max).join('')
  const space = cut.lastIndexOf(' ')
  // A single long word is cut inside it rather than dropped.
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
