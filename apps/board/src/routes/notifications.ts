/**
 * Notifications (issue 17): `/notifications`, the signed-in user's mentions and replies, newest first
 * in pages (`?before=<id>`), with a "Mark all read" form; `POST /account/notifications`, the choice of
 * which events notify (the form is a section of `/account`). The unread count every page shows in
 * its header is read here, once per page view (a GET that asks for HTML), and kept live by
 * `public/notifications.js` from the event stream. Works without JavaScript: forms and redirects.
 * @module
 */
import type { NotificationRow, Storage } from '@parley/storage'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { DELETED_AUTHOR, formatTime } from '../http/present.js'
import type { BoardPlugin } from '../http/types.js'
import type { Notifier } from '../notifications/notify.js'
import { requireUser } from '../plugins/session.js'

export const NOTIFICATIONS_PAGE_SIZE = 30

export interface NotificationsOptions {
  storage: Storage
  notifier: Notifier
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's unread notifications, read for page views (null: not read, no badge number). */
    unreadNotifications: number | null
  }
}

const ListQuery = Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })) })
const Csrf = Type.Optional(Type.String({ maxLength: 256 }))
/** `upTo`: the newest notification the page showed, so one that arrived since stays unread. */
const MarkReadBody = Type.Object({ upTo: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })), _csrf: Csrf })
/** Checkboxes: present (`on`) when ticked, absent when not. */
const Checkbox = Type.Optional(Type.Literal('on'))
const PreferencesBody = Type.Object({ mention: Checkbox, reply: Checkbox, _csrf: Csrf })

export interface NotificationView {
  id: number
  unread: boolean
  /** "hans mentioned you" / "hans replied to your post". */
  what: string
  actor: string
  excerpt: string
  href: string
  createdAtIso: string
  createdAtText: string
}

export function presentNotification(row: NotificationRow): NotificationView {
  const actor = row.actorName ?? DELETED_AUTHOR
  return {
    id: row.id,
    unread: row.readAt === null,
    what: row.kind === 'mention' ? 'mentioned you' : 'replied to your post',
    actor,
    excerpt: row.excerpt,
    href: `/posts/${row.threadId}#post-${row.postId}`,
    createdAtIso: new Date(row.createdAt).toISOString(),
    createdAtText: formatTime(row.createdAt),
  }
}

/** A navigation, not a fetch, media range or event stream: the only requests that render a header. */
function wantsPage(accept: string | undefined): boolean {
  return accept?.includes('text/html') === true
}

const notificationRoutes: BoardPlugin<NotificationsOptions> = async (app, { storage, notifier }) => {
  app.get('/notifications', { schema: { querystring: ListQuery } }, async (request, reply) => {
    const user = requireUser(request)
    const before = request.query.before
    const rows = await storage.notifications.list(user.id, { before, limit: NOTIFICATIONS_PAGE_SIZE + 1 })
    const page = rows.slice(0, NOTIFICATIONS_PAGE_SIZE)
    return reply.view('notifications', {
      title: 'Notifications',
      notifications: page.map(presentNotification),
      newestId: page[0]?.id ?? null,
      anyUnread: (request.unreadNotifications ?? (await storage.notifications.countUnread(user.id))) > 0,
      olderCursor: rows.length > NOTIFICATIONS_PAGE_SIZE ? (page.at(-1)?.id ?? null) : null,
      isFirstPage: before === undefined,
      script: false,
    })
  })

  app.post('/notifications/read', { schema: { body: MarkReadBody } }, async (request, reply) => {
    const user = requireUser(request)
    const upTo = request.body.upTo === undefined ? undefined : Number(request.body.upTo)
    const changed = await notifier.markAllRead(user.id, upTo, request.log)
    request.log.info({ changed }, 'notifications marked read')
    return reply.redirect('/notifications', 303)
  })

  app.post('/account/notifications', { schema: { body: PreferencesBody } }, async (request, reply) => {
    const user = requireUser(request)
    const chosen = { mention: request.body.mention === 'on', reply: request.body.reply === 'on' }
    await storage.notifications.setPreferences(user.id, chosen)
    request.log.info(chosen, 'notification preferences saved')
    return reply.redirect('/account?done=notifications#notifications', 303)
  })
}

/**
 * Registered in the signed-in pages' scope (not encapsulated, so its hook reaches every page there):
 * reads the unread count for page views, then adds the routes.
 */
export const notificationsPlugin = fp<NotificationsOptions>(
  async (pages, options) => {
    pages.decorateRequest('unreadNotifications', null)
    pages.addHook('preHandler', async (request) => {
      if (!request.user || request.method !== 'GET' || !wantsPage(request.headers.accept)) return
      try {
        request.unreadNotifications = await options.storage.notifications.countUnread(request.user.id)
      } catch (error) {
        // The page still renders (its own reads decide whether it can); the header just shows no number.
        request.log.warn({ err: error }, 'unread notifications not counted')
      }
    })
    await pages.register(notificationRoutes, options)
  },
  { name: 'parley-notifications' },
)
