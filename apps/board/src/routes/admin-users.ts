/**
 * `/admin/users`: every account with its role and suspension, and the forms to promote or demote,
 * suspend for a time or for good, and lift a suspension, each with a reason for the audit log.
 * @module
 */
import { type Auth, suspensionOf } from '@parley/auth'
import { ErrorCode, isParleyError } from '@parley/protocol'
import type { Storage, UserRow } from '@parley/storage'
import { type Static, Type } from 'typebox'
import { httpStatusOf } from '../http/error-status.js'
import { formatTime } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import { requireAdmin } from '../plugins/session.js'
import { adminNav } from './admin-view.js'
import { Reason } from './moderation.js'

export interface AdminUsersOptions {
  auth: Auth
  storage: Storage
  now: () => number
}

/** Most rows on one page: narrow down with the search box. */
export const USERS_SHOWN = 200

const HOUR = 3_600_000
/** The suspension lengths offered; `forever` lasts until lifted. */
export const SUSPENSIONS = {
  '1h': { label: '1 hour', ms: HOUR },
  '1d': { label: '1 day', ms: 24 * HOUR },
  '7d': { label: '7 days', ms: 7 * 24 * HOUR },
  '30d': { label: '30 days', ms: 30 * 24 * HOUR },
  forever: { label: 'For good', ms: null },
} as const

const Done = Type.Union([
  Type.Literal('promoted'),
  Type.Literal('demoted'),
  Type.Literal('suspended'),
  Type.Literal('unsuspended'),
  Type.Literal('unchanged'),
])
const UsersQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 64 })),
  done: Type.Optional(Done),
  user: Type.Optional(Type.Integer({ minimum: 1 })),
})
type UsersQuery = Static<typeof UsersQuery>

const Username = Type.String({ minLength: 1, maxLength: 200 })
const Csrf = Type.Optional(Type.String())
const UserActionBody = Type.Object({ username: Username, reason: Reason, _csrf: Csrf })
const SuspendBody = Type.Object({
  username: Username,
  duration: Type.Union([
    Type.Literal('1h'),
    Type.Literal('1d'),
    Type.Literal('7d'),
    Type.Literal('30d'),
    Type.Literal('forever'),
  ]),
  reason: Reason,
  _csrf: Csrf,
})

function statusOf(user: UserRow, now: number): { suspended: boolean; text: string } {
  const suspension = suspensionOf(user, now)
  if (suspension === null) return { suspended: false, text: 'Active' }
  if (suspension.forGood) return { suspended: true, text: 'Suspended for good' }
  return { suspended: true, text: `Suspended until ${formatTime(suspension.until)}` }
}

const DONE_TEXT: Record<Static<typeof Done>, string> = {
  promoted: 'is now an admin.',
  demoted: 'is now a member.',
  suspended: 'is suspended and signed out everywhere.',
  unsuspended: 'can sign in again.',
  unchanged: 'was already like that: nothing changed.',
}

export const adminUsersRoutes: BoardPlugin<AdminUsersOptions> = async (app, { auth, storage, now }) => {
  async function renderUsers(
    request: AnyRequest,
    reply: AnyReply,
    query: UsersQuery,
    problem: { error: string; status: number } | null = null,
  ) {
    const admin = requireAdmin(request)
    const at = now()
    const search = (query.q ?? '').trim().normalize('NFC').toLowerCase()
    const all = await storage.users.listUsers()
    const matching = search ? all.filter((user) => user.username.toLowerCase().includes(search)) : all
    const done = query.done && query.user ? all.find((user) => user.id === query.user) : undefined
    return reply.code(problem?.status ?? 200).view('admin-users', {
      title: 'Users',
      nav: await adminNav(storage),
      q: query.q ?? '',
      total: all.length,
      matching: matching.length,
      shownMax: USERS_SHOWN,
      users: matching.slice(0, USERS_SHOWN).map((user) => ({
        id: user.id,
        username: user.username,
        role: user.role,
        createdAtText: formatTime(user.createdAt),
        ...statusOf(user, at),
        self: user.id === admin.id,
      })),
      notice: done && query.done ? { username: done.username, text: DONE_TEXT[query.done] } : null,
      error: problem?.error ?? null,
      suspensions: Object.entries(SUSPENSIONS).map(([value, { label }]) => ({ value, label })),
    })
  }

  /** Runs one moderation call; its refusals (not found, yourself, reason too long) re-render the page. */
  async function act(
    request: AnyRequest,
    reply: AnyReply,
    action: () => Promise<{ done: Static<typeof Done>; userId: number }>,
  ) {
    try {
      const { done, userId } = await action()
      request.log.info({ targetUserId: userId, done }, 'user moderated')
      return reply.redirect(`/admin/users?done=${done}&user=${userId}`, 303)
    } catch (error) {
      if (!isParleyError(error)) throw error
      return renderUsers(request, reply, {}, { error: error.message, status: httpStatusOf(error.code) })
    }
  }

  function invalid(request: AnyRequest, reply: AnyReply, message: string) {
    return renderUsers(request, reply, {}, { error: message, status: httpStatusOf(ErrorCode.BadMessage) })
  }

  app.get('/admin/users', { schema: { querystring: UsersQuery } }, async (request, reply) =>
    renderUsers(request, reply, request.query),
  )

  for (const role of ['promote', 'demote'] as const) {
    app.post(
      `/admin/users/${role}`,
      { schema: { body: UserActionBody }, attachValidation: true },
      async (request, reply) => {
        const admin = requireAdmin(request)
        if (request.validationError)
          return invalid(request, reply, 'Choose a user; a reason has at most 500 characters.')
        const { username, reason } = request.body
        return act(request, reply, async () => {
          const result = await auth[role](admin.id, username, reason)
          return {
            done: result.changed ? (role === 'promote' ? 'promoted' : 'demoted') : 'unchanged',
            userId: result.user.id,
          }
        })
      },
    )
  }

  app.post(
    '/admin/users/suspend',
    { schema: { body: SuspendBody }, attachValidation: true },
    async (request, reply) => {
      const admin = requireAdmin(request)
      if (request.validationError) {
        return invalid(request, reply, 'Choose a user and how long; a reason has at most 500 characters.')
      }
      const { username, duration, reason } = request.body
      const length = SUSPENSIONS[duration].ms
      return act(request, reply, async () => {
        const result = await auth.suspend(admin.id, username, length === null ? null : now() + length, reason ?? null)
        return { done: 'suspended', userId: result.user.id }
      })
    },
  )

  app.post(
    '/admin/users/unsuspend',
    { schema: { body: UserActionBody }, attachValidation: true },
    async (request, reply) => {
      const admin = requireAdmin(request)
      if (request.validationError) return invalid(request, reply, 'Choose a user; a reason has at most 500 characters.')
      const { username, reason } = request.body
      return act(request, reply, async () => {
        const result = await auth.unsuspend(admin.id, username, reason)
        return { done: result.changed ? 'unsuspended' : 'unchanged', userId: result.user.id }
      })
    },
  )
}
