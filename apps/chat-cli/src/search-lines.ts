/**
 * `search <words>`: the gateway's matches in the user's own conversations, one line each, as
 * `2026-03-04 09:15 hans: which ferry do we take?` (local time of the terminal), best match first.
 * Names and text from other users go through `sanitize` like every other line.
 * @module
 */
import type { ServerMessageOf } from '@parley/protocol'
import { sanitize } from './sanitize.js'

/** A notice line of render.ts's `Line` (declared here: render.ts imports this module). */
interface NoticeLine {
  kind: 'notice'
  text: string
}

const two = (n: number) => String(n).padStart(2, '0')

/** `YYYY-MM-DD HH:MM` in the terminal's time zone. */
export function formatDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

export const noMatchLine = (words: string): string =>
  `No messages of yours match "${sanitize(words.trim().slice(0, 80))}"`
export const MORE_MATCHES_LINE = 'More messages match: add words to narrow the search'

export function searchLines(words: string, reply: ServerMessageOf<'search'>): NoticeLine[] {
  if (reply.matches.length === 0) return [{ kind: 'notice', text: noMatchLine(words) }]
  const lines: NoticeLine[] = reply.matches.map((match) => {
    const sender = sanitize(match.from)
    const text = sanitize(match.excerpt.map((part) => part.text).join(''))
    return { kind: 'notice', text: `${formatDate(match.at)} ${sender}: ${text}` }
  })
  return reply.more ? [...lines, { kind: 'notice', text: MORE_MATCHES_LINE }] : lines
}
