/**
 * Server-rendered pages with Eta. Auto-escaping is on, so `<%= %>` escapes every value exactly
 * once; templates never use the raw `<%~ %>` form for user data (only to place the layout body and
 * partials, which are themselves escaped templates).
 * @module
 */
import type { PublicUser } from '@parley/auth'
import { Eta } from 'eta'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

export interface PageData {
  title: string
  [key: string]: unknown
}

/** What every template gets besides its own data. */
export interface PageContext {
  user: PublicUser | null
  csrfToken: string
  /** Path of the current page, to mark the active navigation link. */
  path: string
  /** The content-hashed URL of a file of public/ (`asset('board.css')`). */
  asset: (name: string) => string
  /** Unread notifications for the header (routes/notifications.ts); null when not read for this response. */
  unread: number | null
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders `views/<template>.eta` inside the layout and sends it as HTML. */
    view(template: string, data: PageData): FastifyReply
  }
}

export interface ViewsOptions {
  viewsDir: string
  /** URLs of public/ files for templates (assets/build.ts). */
  assetUrl: (name: string) => string
}

export const viewsPlugin = fp<ViewsOptions>(
  async (app, { viewsDir, assetUrl }) => {
    const eta = new Eta({ views: viewsDir, cache: true, autoEscape: true, defaultExtension: '.eta' })
    app.decorateReply('view', function (this: FastifyReply, template: string, data: PageData) {
      const url = this.request.url
      const query = url.indexOf('?')
      const context: PageContext = {
        user: this.request.user,
        // A page that already signed a token for its own markup passes it, so the page carries one token.
        csrfToken: typeof data.csrfToken === 'string' ? data.csrfToken : this.csrfToken(),
        path: query === -1 ? url : url.slice(0, query),
        asset: assetUrl,
        unread: this.request.unreadNotifications ?? null,
      }
      const html = eta.render(template, { ...context, ...data })
      // Pages show per-user content: never store them in shared or browser caches.
      return this.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
    })
  },
  { name: 'parley-views', dependencies: ['parley-csrf', 'parley-session-decorators'] },
)
