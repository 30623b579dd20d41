/**
 * Search in the chat (issue 17): a signed-in user searches their own conversations, both
 * directions, never anyone else's. The board's /search page covers posts; this is the terminal's and
 * any chat client's way in. Excerpts are plain-text parts (show every part as text; `match` marks
 * the words searched for), so a client never receives markup to trust.
 * @module
 */
import { Type } from 'typebox'
import { ClientId, MessageId, Timestamp } from './fields.js'

/** Longest search text a client may send (only its first few words are used). */
export const MAX_SEARCH_LENGTH = 500
/** Most matches in one reply. */
export const MAX_SEARCH_PAGE = 50
/** Deepest a search pages (offset + limit). */
export const MAX_SEARCH_OFFSET = 900

/** Client frame: search my conversations for `words` (any text; quotes and operators mean nothing). */
export const SearchRequest = Type.Object(
  {
    type: Type.Literal('search'),
    id: ClientId,
    words: Type.String({ maxLength: MAX_SEARCH_LENGTH }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_PAGE })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEARCH_OFFSET })),
  },
  { additionalProperties: false },
)

export const SearchExcerptPart = Type.Object(
  { text: Type.String(), match: Type.Boolean() },
  { additionalProperties: false },
)

/** One matching message: who wrote it to whom, when, and an excerpt around the matched words. */
export const SearchMatch = Type.Object(
  {
    messageId: MessageId,
    from: Type.String(),
    to: Type.String(),
    at: Timestamp,
    excerpt: Type.Array(SearchExcerptPart),
  },
  { additionalProperties: false },
)

/** Server reply: best matches first; `more` when a further page (`offset` + matches) has some. */
export const SearchReply = Type.Object(
  {
    type: Type.Literal('search'),
    replyTo: ClientId,
    matches: Type.Array(SearchMatch),
    more: Type.Boolean(),
  },
  { additionalProperties: false },
)
