/**
 * Search hits → what `views/search.eta` shows. Excerpts stay plain-text parts (the template escapes
 * each one and wraps the matched words in <mark>): no HTML ever comes from the database.
 * @module
 */
import type { MessageSearchHit, PostSearchHit, SnippetPart } from '@parley/storage'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'

export interface PostHitView {
  id: number
  /** The post's page, or the reply's place on its thread's page. */
  href: string
  isReply: boolean
  authorName: string
  createdAtIso: string
  createdAtText: string
  snippet: SnippetPart[]
}

export interface ChatHitView {
  id: number
  /** Who wrote it: "name" or "you". */
  from: string
  /** The other person of the conversation. */
  withName: string
  createdAtIso: string
  createdAtText: string
  snippet: SnippetPart[]
}

export function postHref(hit: Pick<PostSearchHit, 'id' | 'parentId'>): string {
  // A reply's own address redirects to the page of its post that shows it (routes/post-page.ts).
  return `/posts/${hit.id}`
}

export function presentPostHit(hit: PostSearchHit): PostHitView {
  return {
    id: hit.id,
    href: postHref(hit),
    isReply: hit.parentId !== null,
    authorName: hit.authorName ?? DELETED_AUTHOR,
    createdAtIso: new Date(hit.createdAt).toISOString(),
    createdAtText: formatTime(hit.createdAt),
    snippet: hit.snippet,
  }
}

export function presentChatHit(hit: MessageSearchHit, viewerId: number): ChatHitView {
  const sent = hit.senderId === viewerId
  return {
    id: hit.id,
    from: hit.senderName ?? DELETED_AUTHOR,
    withName: (sent ? hit.recipientName : hit.senderName) ?? DELETED_AUTHOR,
    createdAtIso: new Date(hit.createdAt).toISOString(),
    createdAtText: formatTime(hit.createdAt),
    snippet: hit.snippet,
  }
}
