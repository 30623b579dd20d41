/**
 * What members and admins do with someone's post: members report it (`/posts/:id/report`, with an
 * optional reason), admins delete it with a reason for the audit log (`/posts/:id/moderate`). Both
 * are small forms under each post on the board; the GET pages show the same form on its own (and
 * the confirmation after a report). Deletions are published like the author's own.
 * @module
 */
import { type Auth, MAX_REASON_LENGTH } from '@parley/auth'
import { ErrorCode, isParleyError, ParleyError } from '@parley/protocol'
import type { PostRow, Storage } from '@parley/storage'
import { Type } from 'typebox'
import type { PostEvents } from '../events/post-events.js'
import { deletionEvents } from '../events/reply-events.js'
import { presentPost } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import { requireAdmin, requireUser } from '../plugins/session.js'
import type { FieldErrors } from './forms.js'

export interface ModerationRoutesOptions {
  auth: Auth
  storage: Storage
  events: PostEvents
}

const PostParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
/** Loose bound only: @parley/auth counts characters and gives the message. */
export const Reason = Type.Optional(Type.String({ maxLength: 4 * MAX_REASON_LENGTH }))
const ReportBody = Type.Object({ reason: Reason, _csrf: Type.Optional(Type.String()) })
const ReportQuery = Type.Object({ sent: Type.Optional(Type.Literal('1')) })
/** Where to go after a moderator deletion: back to the board or to the reports page. */
export const ReturnTo = Type.Union([Type.Literal('/'), Type.Literal('/admin/reports')])
const ModerateBody = Type.Object({
  reason: Reason,
  return: Type.Optional(ReturnTo),
  _csrf: Type.Optional(Type.String()),
})

function notFound(): ParleyError {
  return new ParleyError(ErrorCode.NotFound, 'There is no such post (it may have been deleted).')
}

/** A reason's own error (too long) as the field message; null for any other error. */
export function reasonError(error: unknown): FieldErrors | null {
  return isParleyError(error) && error.code === ErrorCode.BadMessage ? { reason: error.message } : null
}

export const moderationRoutes: BoardPlugin<ModerationRoutesOptions> = async (app, { auth, storage, events }) => {
  async function existingPost(id: number): Promise<PostRow> {
    const post = await storage.posts.getPost(id)
    // A deleted post kept as a placeholder above its replies has nothing left to report or delete.
    if (!post || post.deletedAt !== null) throw notFound()
    return post
  }

  function renderReport(
    request: AnyRequest,
    reply: AnyReply,
    post: PostRow,
    page: { sent: boolean; reason: string; errors: FieldErrors },
    status = 200,
  ) {
    const user = requireUser(request)
    if (post.authorId === user.id) throw new ParleyError(ErrorCode.Forbidden, 'You cannot report your own post.')
    return reply.code(status).view('report', {
      title: 'Report a post',
      post: presentPost(post, user.id),
      maxReason: MAX_REASON_LENGTH,
      ...page,
    })
  }

  app.get('/posts/:id/report', { schema: { params: PostParams, querystring: ReportQuery } }, async (request, reply) => {
    requireUser(request)
    const post = await existingPost(request.params.id)
    return renderReport(request, reply, post, { sent: request.query.sent === '1', reason: '', errors: {} })
  })

  app.post(
    '/posts/:id/report',
    { schema: { params: PostParams, body: ReportBody }, attachValidation: true },
    async (request, reply) => {
      const user = requireUser(request)
      const post = await existingPost(request.params.id)
      const reason = typeof request.body?.reason === 'string' ? request.body.reason : ''
      if (request.validationError) {
        const errors = { reason: `A reason can be at most ${MAX_REASON_LENGTH} characters.` }
        return renderReport(
          request,
          reply,
          post,
          { sent: false, reason: reason.slice(0, 4 * MAX_REASON_LENGTH), errors },
          400,
        )
      }
      try {
        const stored = await auth.reportPost(user.id, post.id, reason)
        request.log.info({ postId: post.id, reportId: stored.report.id, duplicate: stored.duplicate }, 'post reported')
      } catch (error) {
        const errors = reasonError(error)
        if (!errors) throw error
        return renderReport(request, reply, post, { sent: false, reason, errors }, 400)
      }
      return reply.redirect(`/posts/${post.id}/report?sent=1`, 303)
    },
  )

  function renderModerate(
    request: AnyRequest,
    reply: AnyReply,
    post: PostRow,
    page: { reason: string; returnTo: string; errors: FieldErrors },
    status = 200,
  ) {
    const user = requireAdmin(request)
    return reply.code(status).view('moderate', {
      title: 'Delete a post',
      post: presentPost(post, user.id),
      maxReason: MAX_REASON_LENGTH,
      ...page,
    })
  }

  app.get('/posts/:id/moderate', { schema: { params: PostParams } }, async (request, reply) => {
    requireAdmin(request)
    const post = await existingPost(request.params.id)
    return renderModerate(request, reply, post, { reason: '', returnTo: '/', errors: {} })
  })

  app.post(
    '/posts/:id/moderate',
    { schema: { params: PostParams, body: ModerateBody }, attachValidation: true },
    async (request, reply) => {
      const admin = requireAdmin(request)
      const post = await existingPost(request.params.id)
      const returnTo = request.body?.return === '/admin/reports' ? '/admin/reports' : '/'
      const reason = typeof request.body?.reason === 'string' ? request.body.reason : ''
      if (request.validationError) {
        const errors = { reason: `A reason can be at most ${MAX_REASON_LENGTH} characters.` }
        return renderModerate(
          request,
          reply,
          post,
          { reason: reason.slice(0, 4 * MAX_REASON_LENGTH), returnTo, errors },
          400,
        )
      }
      try {
        await auth.deletePostAsModerator(admin.id, post.id, reason)
      } catch (error) {
        const errors = reasonError(error)
        if (errors) return renderModerate(request, reply, post, { reason, returnTo, errors }, 400)
        if (isParleyError(error) && error.code === ErrorCode.NotFound) throw notFound()
        throw error
      }
      request.log.info({ postId: post.id, authorId: post.authorId }, 'post deleted by a moderator')
      // The delete is saved: a bus that refuses the live update (Redis down) must not turn it into an error page.
      for (const event of await deletionEvents(storage, post)) {
        await events.publish(event).catch((error: unknown) => {
          request.log.warn({ err: error }, 'live update not published: the delete is saved')
        })
      }
      if (returnTo === '/admin/reports') return reply.redirect('/admin/reports?done=deleted', 303)
      // A reply's moderator goes back to the reply's post.
      return reply.redirect(post.parentId === null ? '/' : `/posts/${post.parentId}`, 303)
    },
  )
}
