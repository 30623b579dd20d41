/**
 * The board's post list, rendered by one plain function instead of an Eta `include` per post (each
 * include resolved a path, looked up a template and escaped every field again, 50 times per page).
 *
 * A post's escaped HTML does not depend on who reads it, so it is built once and kept, keyed by id and
 * checked against every field it was built from (body, author, times): a row read from the database
 * that differs in any of them (an edit, an anonymised author) gets fresh HTML. So the cache can never
 * serve a stale post, whichever board instance changed it, and a deleted post is never rendered
 * because it is no longer among the rows. Only the per-viewer part — which actions to show, and the
 * viewer's CSRF token inside them — is put together per request, from cached pieces.
 *
 * A post's reply count and latest activity change with every reply, so that line is built per request
 * (threadLine, a few string joins) rather than kept: counts are never stale, and a new reply does not
 * rebuild the post's body. A deleted post kept for its replies shows as a short placeholder.
 *
 * The markup matches what board.js builds from `<template id="post-template">` for live updates.
 * @module
 */
import type { PostAttachmentRow, PostRow } from '@parley/storage'
import { attachmentHtml } from '../attachments/render.js'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'
import { escapeHtml } from './escape.js'
import { renderRichText } from './rich-text.js'

/** Who is reading: decides the actions shown under each post. */
export interface PostListViewer {
  id: number
  isAdmin: boolean
  /** Already escaped once per request with `escapeHtml`. */
  csrfTokenHtml: string
}

export { escapeHtml }

/** Markup around the viewer's CSRF token: `before + token + after`. */
type Around = readonly [before: string, after: string]

interface Entry {
  // What the HTML was built from: all must match the row for the entry to be used.
  body: string
  authorId: number | null
  authorName: string | null
  createdAt: number
  updatedAt: number | null
  /** The attachment's fields joined (see attachmentKey), '' when none. */
  attachment: string
  /** From `<li>` to the end of the body (and attachment): the same for every reader. */
  head: string
  own: Around
  moderate: Around
  report: Around
}

/** Every field the attachment's markup is built from, so a changed or removed attachment rebuilds the post. */
function attachmentKey(attachment: PostAttachmentRow | undefined): string {
  if (!attachment) return ''
  return JSON.stringify([attachment.mediaName, attachment.kind, attachment.alt, attachment.width, attachment.height])
}

function build(post: PostRow, attachment: PostAttachmentRow | undefined): Entry {
  const id = post.id
  const author = post.authorName === null ? DELETED_AUTHOR : post.authorName
  // Dates are formatted here, once per post version, not on every page view.
  const head =
    `<li class="post" id="post-${id}" data-post-id="${id}">\n` +
    '  <div class="post-meta">\n' +
    `    <span class="author${post.authorId === null ? ' deleted' : ''}">${escapeHtml(author)}</span>\n` +
    `    <time datetime="${new Date(post.createdAt).toISOString()}">${escapeHtml(formatTime(post.createdAt))}</time>\n` +
    `    <span class="edited"${post.updatedAt === null ? ' hidden' : ''}>edited</span>\n` +
    '  </div>\n' +
    `  <div class="post-body">${renderRichText(post.body)}</div>\n` +
    (attachment ? attachmentHtml(attachment) : '')
  const tool = (summary: string, action: string, label: string, buttonClass: string, button: string): Around => [
    '  <div class="post-actions">\n' +
      '    <details class="post-tool">\n' +
      `      <summary>${summary}</summary>\n` +
      `      <form method="post" action="/posts/${id}/${action}" class="tool-form ${action}-form">\n` +
      '        <input type="hidden" name="_csrf" value="',
    '">\n' +
      `        <label>${label} <input name="reason" type="text" maxlength="500"></label>\n` +
      `        <button type="submit" class="${buttonClass}">${button}</button>\n` +
      '      </form>\n' +
      '    </details>\n' +
      '  </div>\n' +
      '</li>\n',
  ]
  return {
    body: post.body,
    authorId: post.authorId,
    authorName: post.authorName,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    attachment: attachmentKey(attachment),
    head,
    own: [
      '  <div class="post-actions own-actions">\n' +
        `    <a class="edit-link" href="/posts/${id}/edit">Edit</a>\n` +
        `    <form method="post" action="/posts/${id}/delete" class="inline delete-form">\n` +
        '      <input type="hidden" name="_csrf" value="',
      '">\n' +
        '      <button type="submit" class="link danger">Delete</button>\n' +
        '    </form>\n' +
        '  </div>\n' +
        '</li>\n',
    ],
    moderate: tool('Delete', 'moderate', 'Reason (kept in the audit log)', 'danger', 'Delete post'),
    report: tool('Report', 'report', 'What is wrong with it? (optional)', 'secondary', 'Send report'),
  }
}

/** "Reply", the reply count and the latest activity of a top-level post (its page has the replies). */
export function threadLine(post: PostRow): string {
  const id = post.id
  const count = post.replyCount
  const reply = post.deletedAt === null ? `<a class="reply-link" href="/posts/${id}#reply-form">Reply</a> · ` : ''
  return (
    `  <p class="post-thread">${reply}<a class="reply-count" href="/posts/${id}">${count} ${count === 1 ? 'reply' : 'replies'}</a>` +
    ` · <span class="last-activity">latest activity <time datetime="${new Date(post.lastActivityAt).toISOString()}">` +
    `${escapeHtml(formatTime(post.lastActivityAt))}</time></span></p>\n`
  )
}

/** A deleted post that keeps its replies: no author, text or actions, only the way to its replies. */
function placeholderHtml(post: PostRow): string {
  return (
    `<li class="post deleted-post" id="post-${post.id}" data-post-id="${post.id}">\n` +
    '  <p class="deleted-note">This post was deleted.</p>\n' +
    threadLine(post) +
    '</li>\n'
  )
}

function matches(entry: Entry, post: PostRow, attachment: PostAttachmentRow | undefined): boolean {
  return (
    entry.attachment === attachmentKey(attachment) &&
    entry.updatedAt === post.updatedAt &&
    entry.authorId === post.authorId &&
    entry.authorName === post.authorName &&
    entry.createdAt === post.createdAt &&
    entry.body === post.body
  )
}

export interface PostListRenderer {
  /** The `<li>` items of `posts`, in order, for this viewer, each with its attachment if it has one. */
  render(posts: readonly PostRow[], viewer: PostListViewer, attachments?: readonly PostAttachmentRow[]): string
  /** Drops a post's HTML (it was edited or deleted); only frees memory, correctness never depends on it. */
  forget(id: number): void
  /** How many posts' HTML is held (for tests). */
  readonly size: number
}

/** Keeps the HTML of at most `maxEntries` posts, the one built longest ago dropped first. */
export function createPostListRenderer(maxEntries = 2048): PostListRenderer {
  const entries = new Map<number, Entry>()

  function entryFor(post: PostRow, attachment: PostAttachmentRow | undefined): Entry {
    const known = entries.get(post.id)
    if (known && matches(known, post, attachment)) return known
    const entry = build(post, attachment)
    entries.delete(post.id)
    entries.set(post.id, entry)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as number)
    return entry
  }

  return {
    render(posts, viewer, attachments = []) {
      const attachmentOf = new Map(attachments.map((attachment) => [attachment.postId, attachment]))
      let html = ''
      for (const post of posts) {
        if (post.deletedAt !== null) {
          html += placeholderHtml(post)
          continue
        }
        const entry = entryFor(post, attachmentOf.get(post.id))
        const actions = post.authorId === viewer.id ? entry.own : viewer.isAdmin ? entry.moderate : entry.report
        html += entry.head + threadLine(post) + actions[0] + viewer.csrfTokenHtml + actions[1]
      }
      return html
    },
    forget(id) {
      entries.delete(id)
    },
    get size() {
      return entries.size
    },
  }
}
