/**
 * The admin pages under `/admin`: reports, users (roles and suspensions) and the audit log. Every
 * route here needs a signed-in admin (members get 403, signed-out browsers go to sign in); each
 * change goes through @parley/auth's moderation API, which checks the role again and writes the
 * audit entry in the same transaction.
 * @module
 */
import type { Auth } from '@parley/auth'
import type { Storage } from '@parley/storage'
import type { BoardPlugin } from '../http/types.js'
import { requireAdmin } from '../plugins/session.js'
import { adminAuditRoutes } from './admin-audit.js'
import { adminReportsRoutes } from './admin-reports.js'
import { adminUsersRoutes } from './admin-users.js'

export interface AdminRoutesOptions {
  auth: Auth
  storage: Storage
  now: () => number
}

export const adminRoutes: BoardPlugin<AdminRoutesOptions> = async (app, options) => {
  // After the session is loaded and the CSRF token checked: a member's valid form is still refused.
  app.addHook('preHandler', async (request) => {
    requireAdmin(request)
  })
  app.get('/admin', async (_request, reply) => reply.redirect('/admin/reports', 303))
  await app.register(adminReportsRoutes, options)
  await app.register(adminUsersRoutes, options)
  await app.register(adminAuditRoutes, options)
}
