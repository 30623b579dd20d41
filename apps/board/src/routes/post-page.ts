/**
 * A post's page, `/posts/:id`: the post (or the "deleted post" placeholder that keeps its replies) and its
 * replies oldest first, paged by cursor (`?after=<id>` onwards, `?before=<id>` the page just before), with
 * the reply form at the bottom. Replying is a plain form POST answered with a redirect (Post/Redirect/Get)
 * to the page that ends with the new reply; a rejected reply re-renders the page with the text kept.
 * One level of replies: answering a reply (`?quote=<id>`) quotes it above the new reply.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import { type PostRow, type ReplyRow, type Storage, StorageError, StorageErrorCode } from '@parley/storage'
import { Type } from 'typebox'
import { attachmentHtml } from '../attachments/render.js'
import type { PostEvents } from '../events/post-events.js'
import { excerpt, repliedEvent } from '../events/reply-events.js'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import { requireUser } from '../plugins/session.js'
import { renderRichText } from '../render/rich-text.js'
import { type FieldErrors, field, normalizeNewlines } from './forms.js'

export const REPLY_PAGE_SIZE = 50

export interface PostPageRoutesOptions {
  storage: Storage
  events: PostEvents
  now: () => number
  /** Longest post or reply, in characters (routes/posts.ts). */
  maxLength: number
}

const PostParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const PageQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  /** A reply of this post to quote in the form. */
  quote: Type.Optional(Type.Integer({ minimum: 1 })),
})

/** Which actions a reader gets under a post or reply. */
type Actions = 'own' | 'moderate' | 'report' | 'none'

export interface PostEntryView {
  id: number
  authorName: string
  authorDeleted: boolean
  createdAtIso: string
  createdAtText: string
  edited: boolean
  /** renderRichText's output: sanitised HTML. */
  bodyHtml: string
  actions: Actions
}

interface QuoteView {
  id: number
  authorName: string
  text: string
}

export interface ReplyView extends PostEntryView {
  quote: QuoteView | null
}

interface ReplyForm {
  body: string
  quote: QuoteView | null
  errors: FieldErrors
}

function notFound(): ParleyError {
  return new ParleyError(ErrorCode.NotFound, 'There is no such post (it may have been deleted).')
}

function actionsFor(post: PostRow, viewer: { id: number; role: string }): Actions {
  if (post.deletedAt !== null) return 'none'
  if (post.authorId === viewer.id) return 'own'
  return viewer.role === 'admin' ? 'moderate' : 'report'
}

function entryOf(post: PostRow, viewer: { id: number; role: string }): PostEntryView {
  return {
    id: post.id,
    authorName: post.authorName ?? DELETED_AUTHOR,
    authorDeleted: post.authorName === null,
    createdAtIso: new Date(post.createdAt).toISOString(),
    createdAtText: formatTime(post.createdAt),
    edited: post.updatedAt !== null,
    bodyHtml: post.deletedAt === null ? renderRichText(post.body) : '',
    actions: actionsFor(post, viewer),
  }
}

function quoteOf(id: number, authorName: string | null, body: string): QuoteView {
  return { id, authorName: authorName ?? DELETED_AUTHOR, text: excerpt(body) }
}

function replyOf(reply: ReplyRow, viewer: { id: number; role: string }): ReplyView {
  const quote =
    reply.quoteId !== null && reply.quotedBody !== null
      ? quoteOf(reply.quoteId, reply.quotedAuthorName, reply.quotedBody)
      : null
  return { ...entryOf(reply, viewer), quote }
}

function bodyError(text: string, maxLength: number): string {
  const length = [...text].length
  if (length > maxLength) return `A reply can be at most ${maxLength} characters; this one has ${length}.`
  return 'Write something before replying.'
}

/** Which replies a page shows: from the start, after an id, or the page ending just before an id. */
type Window = { after?: number; before?: number }

export const postPageRoutes: BoardPlugin<PostPageRoutesOptions> = async (app, { storage, events, now, maxLength }) => {
  const ReplyBody = Type.Object({
    body: Type.String({ minLength: 1, maxLength, pattern: '\\S' }),
    quote: Type.Optional(Type.String({ pattern: '^[0-9]{0,15}$' })),
    _csrf: Type.Optional(Type.String()),
  })

  /** The post of a page: 404 for a missing post, and a reply's page is its post's (a redirect). */
  async function topLevel(id: number): Promise<PostRow> {
    const post = await storage.posts.getPost(id)
    if (!post) throw notFound()
    return post
  }

  /** A reply of `post` to quote, or null when it is not one (gone, or another post's). */
  async function quotable(post: PostRow, quoteId: number | undefined): Promise<PostRow | null> {
    if (quoteId === undefined) return null
    const quoted = await storage.posts.getPost(quoteId)
    return quoted && quoted.parentId === post.id ? quoted : null
  }

  async function renderPage(
    request: AnyRequest,
    reply: AnyReply,
    post: PostRow,
    window: Window,
    form: ReplyForm,
    status = 200,
  ) {
    const user = requireUser(request)
    const limit = REPLY_PAGE_SIZE
    let replies: ReplyRow[]
    let hasEarlier: boolean
    let hasLater: boolean
    if (window.before !== undefined && window.after === undefined) {
      const rows = await storage.posts.listReplies(post.id, { before: window.before, limit: limit + 1 })
      hasEarlier = rows.length > limit
      replies = hasEarlier ? rows.slice(1) : rows
      const last = replies.at(-1)
      hasLater =
        last !== undefined && (await storage.posts.listReplies(post.id, { after: last.id, limit: 1 })).length > 0
    } else {
      const rows = await storage.posts.listReplies(post.id, { after: window.after ?? 0, limit: limit + 1 })
      hasLater = rows.length > limit
      replies = rows.slice(0, limit)
      const first = replies[0]
      hasEarlier =
        first !== undefined && (await storage.posts.listReplies(post.id, { before: first.id, limit: 1 })).length > 0
    }
    const [attachment] = post.deletedAt === null ? await storage.attachments.forPosts([post.id]) : []
    const first = replies[0]
    const last = replies.at(-1)
    return reply.code(status).view('post', {
      title: post.deletedAt === null ? `Post by ${post.authorName ?? DELETED_AUTHOR}` : 'Deleted post',
      post: { ...entryOf(post, user), deleted: post.deletedAt !== null, replyCount: post.replyCount },
      attachmentHtml: attachment ? attachmentHtml(attachment) : '',
      replies: replies.map((row) => replyOf(row, user)),
      earlierHref: hasEarlier && first ? `/posts/${post.id}?before=${first.id}` : null,
      laterHref: hasLater && last ? `/posts/${post.id}?after=${last.id}` : null,
      // The query that shows this page again, for the "Reply" (quote) links under each reply.
      pageQuery:
        window.before !== undefined
          ? `before=${window.before}&`
          : window.after !== undefined
            ? `after=${window.after}&`
            : '',
      // New replies are appended live only where they belong: on the page that ends the thread.
      live: !hasLater,
      form,
      maxLength,
      script: false,
    })
  }

  app.get('/posts/:id', { schema: { params: PostParams, querystring: PageQuery } }, async (request, reply) => {
    requireUser(request)
    const post = await topLevel(request.params.id)
    // A reply's own address (search hits, notifications) shows the page of its post that ends with it.
    if (post.parentId !== null)
      return reply.redirect(`/posts/${post.parentId}?before=${post.id + 1}#post-${post.id}`, 303)
    const quoted = await quotable(post, request.query.quote)
    const form = { body: '', quote: quoted ? quoteOf(quoted.id, quoted.authorName, quoted.body) : null, errors: {} }
    return renderPage(request, reply, post, request.query, form)
  })

  app.post(
    '/posts/:id/replies',
    {
      schema: { params: PostParams, body: ReplyBody },
      attachValidation: true,
      // Before validation, so the length rule counts a browser's CRLF newline as one character.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null | undefined
        if (body && typeof body.body === 'string') body.body = normalizeNewlines(body.body)
      },
    },
    async (request, reply) => {
      const user = requireUser(request)
      const post = await topLevel(request.params.id)
      if (post.parentId !== null || post.deletedAt !== null) {
        throw new ParleyError(ErrorCode.NotFound, 'This post was deleted: it takes no new replies.')
      }
      const quoteText = field(request.body, 'quote')
      const quoted = await quotable(post, quoteText === '' ? undefined : Number(quoteText))
      const quote = quoted ? quoteOf(quoted.id, quoted.authorName, quoted.body) : null
      // A rejected reply is shown on the thread's last page, where the form sits under the latest replies.
      const lastPage = { before: Number.MAX_SAFE_INTEGER }
      if (request.validationError) {
        const text = field(request.body, 'body')
        const form = { body: text, quote, errors: { body: bodyError(text, maxLength) } }
        return renderPage(request, reply, post, lastPage, form, 400)
      }
      let created: PostRow
      try {
        created = await storage.posts.createReply({
          parentId: post.id,
          authorId: user.id,
          body: request.body.body,
          quoteId: quoted?.id ?? null,
          createdAt: now(),
        })
      } catch (error) {
        // The post (or the quoted reply) was deleted meanwhile.
        if (error instanceof StorageError && error.code === StorageErrorCode.NotFound) throw notFound()
        throw error
      }
      request.log.info({ postId: post.id, replyId: created.id }, 'reply created')
      const parent = await storage.posts.getPost(post.id)
      try {
        if (parent) await events.publish(repliedEvent(created, parent, quoted))
      } catch (error) {
        request.log.warn({ err: error, event: 'replied' }, 'live update not published: the reply is saved')
      }
      return reply.redirect(`/posts/${post.id}?before=${created.id + 1}#post-${created.id}`, 303)
    },
  )
}
