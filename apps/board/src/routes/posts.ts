/**
 * The board: newest posts first with stable cursor pages (`?before=<id>`), each with its reply count and
 * latest activity, posting, and editing or deleting one's own posts and replies (a post's page and its
 * replies: routes/post-page.ts). Every change is published on the PostEvents bus for live pages.
 * Forms follow Post/Redirect/Get; a rejected post re-renders the page with the text kept.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { PostRow, Storage } from '@parley/storage'
import { Type } from 'typebox'
import { type AttachmentDraft, chooseAttachment, MAX_ALT_LENGTH } from '../attachments/choose.js'
import type { PostEvent, PostEvents } from '../events/post-events.js'
import { deletionEvents } from '../events/reply-events.js'
import { RETURNING_COOKIE } from '../http/cookies.js'
import { presentPost, snapshotOf } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import type { MediaLibrary } from '../media/index.js'
import type { BoardMetrics } from '../metrics/board-metrics.js'
import { requireUser } from '../plugins/session.js'
import { createPostListRenderer, escapeHtml } from '../render/post-list.js'
import type { ChatPanelView } from './chat.js'
import { CsrfOnlyBody, type FieldErrors, field, normalizeNewlines } from './forms.js'
import { postPageRoutes } from './post-page.js'

export const PAGE_SIZE = 50
export const MAX_POST_LENGTH = 4000

export interface PostsRoutesOptions {
  storage: Storage
  events: PostEvents
  now: () => number
  /** The media folder, for files shown inside posts. */
  media: MediaLibrary
  /** Counts posts created; absent: nothing is counted. */
  metrics?: Pick<BoardMetrics, 'postsCreated'>
  /** The chat panel beside the board (routes/chat.ts); null or absent: no panel. */
  chatPanel?: (request: AnyRequest) => ChatPanelView | null
}

const BoardQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  /** A media file to show in the new post (the media page's "Post it" link). */
  attach: Type.Optional(Type.String({ maxLength: 1024 })),
})
const PostParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
/** 1–4000 characters (code points, after CRLF → LF), not only whitespace. */
const PostBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: MAX_POST_LENGTH, pattern: '\\S' }),
  /** A media file's name and its description (checked by chooseAttachment, which words the errors). */
  attachment: Type.Optional(Type.String({ maxLength: 1024 })),
  alt: Type.Optional(Type.String({ maxLength: 4 * MAX_ALT_LENGTH })),
  _csrf: Type.Optional(Type.String()),
})

/** What the composer shows again: the text, the chosen media file and its description, and errors. */
interface ComposerForm {
  body: string
  attachment: string
  alt: string
  errors: FieldErrors
}

function composerOf(body: unknown, errors: FieldErrors = {}): ComposerForm {
  return { body: field(body, 'body'), attachment: field(body, 'attachment'), alt: field(body, 'alt'), errors }
}

function bodyError(text: string): string {
  const length = [...text].length
  if (length > MAX_POST_LENGTH) {
    return `A post can be at most ${MAX_POST_LENGTH} characters; this one has ${length}.`
  }
  return 'Write something before posting.'
}

/** Runs before validation, so the length rule counts a browser's CRLF newline as one character. */
async function normalizeBody(request: AnyRequest): Promise<void> {
  const body = request.body as Record<string, unknown> | null | undefined
  if (body && typeof body.body === 'string') body.body = normalizeNewlines(body.body)
}

/** Where a post is shown: a top-level post on the board, a reply on its post's page. */
function placeOf(post: PostRow): string {
  return post.parentId === null ? `/#post-${post.id}` : `/posts/${post.parentId}#post-${post.id}`
}

function notFound(): ParleyError {
  return new ParleyError(ErrorCode.NotFound, 'There is no such post (it may have been deleted).')
}

export const postsRoutes: BoardPlugin<PostsRoutesOptions> = async (
  app,
  { storage, events, now, media, chatPanel, metrics },
) => {
  // One renderer per board: posts' HTML is shared by every viewer of this instance (render/post-list.ts).
  const postList = createPostListRenderer()
  // Edits and deletions (from any instance, over the bus) free their HTML early; a stale entry would
  // not be used anyway, as every entry is checked against the row it is rendered for.
  const unsubscribe = events.subscribe((event) => postList.forget(event.type === 'deleted' ? event.id : event.post.id))
  app.addHook('onClose', async () => unsubscribe())
  await app.register(postPageRoutes, { storage, events, now, maxLength: MAX_POST_LENGTH })

  async function renderBoard(
    request: AnyRequest,
    reply: AnyReply,
    before: number | undefined,
    form: ComposerForm,
    status = 200,
  ) {
    const user = requireUser(request)
    const rows = await storage.posts.listPosts({ before, limit: PAGE_SIZE + 1 })
    const page = rows.slice(0, PAGE_SIZE)
    const olderCursor = rows.length > PAGE_SIZE ? (page.at(-1)?.id ?? null) : null
    const attachments = await storage.attachments.forPosts(page.map((post) => post.id))
    // One token for the whole page (each csrfToken() call signs a fresh one), escaped once.
    const csrfToken = reply.csrfToken()
    return reply.code(status).view('board', {
      title: 'Board',
      csrfToken,
      postsHtml: postList.render(
        page,
        {
          id: user.id,
          isAdmin: user.role === 'admin',
          csrfTokenHtml: escapeHtml(csrfToken),
        },
        attachments,
      ),
      olderCursor,
      isFirstPage: before === undefined,
      before: before ?? null,
      form,
      maxLength: MAX_POST_LENGTH,
      maxAltLength: MAX_ALT_LENGTH,
      script: true,
      chat: chatPanel?.(request) ?? null,
    })
  }

  /**
   * Tells live pages about a change already saved. A bus that refuses it (Redis unreachable) must not
   * turn the saved change into an error page: it is logged, and viewers see it at their next page load.
   */
  async function announce(request: AnyRequest, event: PostEvent): Promise<void> {
    try {
      await events.publish(event)
    } catch (error) {
      request.log.warn({ err: error, event: event.type }, 'live update not published: the change is saved')
    }
  }

  /** The post if it exists and belongs to the user: 404 when missing, 403 when someone else's. */
  async function ownPost(request: AnyRequest, id: number): Promise<PostRow> {
    const user = requireUser(request)
    const post = await storage.posts.getPost(id)
    if (!post) throw notFound()
    if (post.authorId !== user.id) throw new ParleyError(ErrorCode.Forbidden, 'You can only change your own posts.')
    return post
  }

  app.get('/', { schema: { querystring: BoardQuery } }, async (request, reply) => {
    if (!request.user) return reply.redirect(request.cookies[RETURNING_COOKIE] ? '/login' : '/register', 303)
    const attachment = request.query.attach ?? ''
    return renderBoard(request, reply, request.query.before, { body: '', attachment, alt: '', errors: {} })
  })

  app.post(
    '/posts',
    { schema: { body: PostBody }, attachValidation: true, preValidation: normalizeBody },
    async (request, reply) => {
      const user = requireUser(request)
      if (request.validationError) {
        const text = field(request.body, 'body')
        return renderBoard(request, reply, undefined, composerOf(request.body, { body: bodyError(text) }), 400)
      }
      // The file is checked before the post is stored, so a refused attachment loses nothing typed.
      let attachment: AttachmentDraft | null = null
      const mediaName = request.body.attachment?.trim() ?? ''
      if (mediaName !== '') {
        const choice = await chooseAttachment(media, mediaName, request.body.alt ?? '')
        if (!choice.ok) {
          return renderBoard(request, reply, undefined, composerOf(request.body, { [choice.field]: choice.error }), 400)
        }
        attachment = choice.draft
      }
      const post = await storage.posts.createPost(user.id, request.body.body, now())
      const attached = attachment ? await storage.attachments.attach({ ...attachment, postId: post.id }) : null
      request.log.info({ postId: post.id }, 'post created')
      metrics?.postsCreated.inc()
      await announce(request, { type: 'created', post: snapshotOf(post, attached) })
      return reply.redirect('/', 303)
    },
  )

  app.get('/posts/:id/edit', { schema: { params: PostParams } }, async (request, reply) => {
    const post = await ownPost(request, request.params.id)
    return reply.view('edit', {
      title: post.parentId === null ? 'Edit post' : 'Edit reply',
      post: presentPost(post, post.authorId),
      body: post.body,
      errors: {},
      maxLength: MAX_POST_LENGTH,
      backHref: placeOf(post),
    })
  })

  app.post(
    '/posts/:id/edit',
    { schema: { params: PostParams, body: PostBody }, attachValidation: true, preValidation: normalizeBody },
    async (request, reply) => {
      const post = await ownPost(request, request.params.id)
      if (request.validationError) {
        const text = field(request.body, 'body')
        return reply.code(400).view('edit', {
          title: post.parentId === null ? 'Edit post' : 'Edit reply',
          post: presentPost(post, post.authorId),
          body: text,
          errors: { body: bodyError(text) },
          maxLength: MAX_POST_LENGTH,
          backHref: placeOf(post),
        })
      }
      const user = requireUser(request)
      const updated = await storage.posts.updatePost(post.id, user.id, request.body.body, now())
      if (!updated) throw notFound() // deleted in between
      request.log.info({ postId: post.id }, 'post edited')
      await announce(request, { type: 'updated', post: snapshotOf(updated) })
      return reply.redirect(placeOf(post), 303)
    },
  )

  app.post('/posts/:id/delete', { schema: { params: PostParams, body: CsrfOnlyBody } }, async (request, reply) => {
    const user = requireUser(request)
    const post = await ownPost(request, request.params.id)
    if (!(await storage.posts.deletePost(post.id, user.id, now()))) throw notFound()
    request.log.info({ postId: post.id, parentId: post.parentId }, 'post deleted')
    for (const event of await deletionEvents(storage, post)) await announce(request, event)
    return reply.redirect(post.parentId === null ? '/' : `/posts/${post.parentId}`, 303)
  })
}
