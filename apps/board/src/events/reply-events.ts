/**
 * The live events of replies: a new reply with its post's counts, and deletions that say what became of
 * the thread (the reply's post recounted, a post kept as a placeholder, a placeholder gone with its last
 * reply). Built from storage rows after the change is saved, so every board shows what was stored.
 * @module
 */
import type { PostRow, Storage } from '@parley/storage'
import { snapshotOf } from '../http/present.js'
import type { PostEvent, ThreadSnapshot } from './post-events.js'

/** How much of a quoted reply is shown above the reply that quotes it. */
export const QUOTE_EXCERPT_LENGTH = 280

/** The first `max` characters (code points) of `text`, with an ellipsis when cut. */
export function excerpt(text: string, max = QUOTE_EXCERPT_LENGTH): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max).join('').trimEnd()}…`
}

export function threadOf(post: PostRow): ThreadSnapshot {
  return { id: post.id, replyCount: post.replyCount, lastActivityAt: post.lastActivityAt }
}

/** `replied`: the new reply (with what it quotes) and its post's counts now. */
export function repliedEvent(reply: PostRow, parent: PostRow, quoted: PostRow | null): PostEvent {
  const post = { ...snapshotOf(reply), parentId: parent.id }
  const quote = quoted ? { quote: { id: quoted.id, authorName: quoted.authorName, body: excerpt(quoted.body) } } : {}
  return { type: 'replied', post: { ...post, ...quote }, thread: threadOf(parent) }
}

/** The events telling live pages that `deleted` (as it was before its deletion) went. */
export async function deletionEvents(storage: Storage, deleted: PostRow): Promise<PostEvent[]> {
  if (deleted.parentId === null) {
    const kept = await storage.posts.getPost(deleted.id)
    return [{ type: 'deleted', id: deleted.id, ...(kept?.deletedAt != null ? { placeholder: true } : {}) }]
  }
  const parent = await storage.posts.getPost(deleted.parentId)
  if (!parent) {
    // The reply was the last under a deleted post's placeholder, which went with it.
    return [
      { type: 'deleted', id: deleted.id },
      { type: 'deleted', id: deleted.parentId },
    ]
  }
  return [{ type: 'deleted', id: deleted.id, thread: threadOf(parent) }]
}
