/**
 * Row → what templates and live events show. Times are rendered as UTC text plus a machine-readable
 * `datetime`; board.js re-renders them in the reader's local time.
 * @module
 */
import type { PostAttachmentRow, PostRow } from '@parley/storage'
import type { PostSnapshot } from '../events/post-events.js'

export interface PostView {
  id: number
  authorId: number | null
  authorName: string
  body: string
  createdAtIso: string
  createdAtText: string
  edited: boolean
  updatedAtIso: string | null
  mine: boolean
}

/** Shown for posts and messages whose author deleted their account (storage keeps them without a name). */
export const DELETED_AUTHOR = 'deleted user'

export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function presentPost(post: PostRow, viewerId: number | null): PostView {
  return {
    id: post.id,
    authorId: post.authorId,
    authorName: post.authorName ?? DELETED_AUTHOR,
    body: post.body,
    createdAtIso: new Date(post.createdAt).toISOString(),
    createdAtText: formatTime(post.createdAt),
    edited: post.updatedAt !== null,
    updatedAtIso: post.updatedAt === null ? null : new Date(post.updatedAt).toISOString(),
    mine: viewerId !== null && post.authorId === viewerId,
  }
}

export function snapshotOf(post: PostRow, attachment?: PostAttachmentRow | null): PostSnapshot {
  const shown = attachment
    ? {
        attachment: {
          mediaName: attachment.mediaName,
          kind: attachment.kind,
          alt: attachment.alt,
          width: attachment.width,
          height: attachment.height,
        },
      }
    : {}
  return {
    ...shown,
    id: post.id,
    authorId: post.authorId,
    authorName: post.authorName,
    body: post.body,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
  }
}
