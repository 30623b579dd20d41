/**
 * `/account`: one's own account. Change the password (asks the current one; every other session
 * ends, and the chat gateway closes their sockets), see where one is signed in and sign those
 * sessions out, download one's data as JSON, and delete the account (asks the password; posts and
 * messages stay as "deleted user"). Forms follow Post/Redirect/Get; a rejected form re-renders the
 * page with the message next to its field and never echoes a password.
 * @module
 */
import type { Auth } from '@parley/auth'
import { ErrorCode, isParleyError, type ParleyError } from '@parley/protocol'
import type { NotificationStore } from '@parley/storage'
import { type Static, Type } from 'typebox'
import { clearCookieOptions, RETURNING_COOKIE, SESSION_COOKIE } from '../http/cookies.js'
import { httpStatusOf } from '../http/error-status.js'
import { formatTime } from '../http/present.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import { describeUserAgent } from '../http/user-agent.js'
import { requireUser } from '../plugins/session.js'
import { CsrfOnlyBody, type FieldErrors } from './forms.js'

export interface AccountRoutesOptions {
  auth: Auth
  /** Which events notify the user: shown as a section of the page (routes/notifications.ts saves it). */
  notifications?: Pick<NotificationStore, 'getPreferences'>
}

const Password = Type.String({ maxLength: 8192 })
const Csrf = Type.Optional(Type.String({ maxLength: 256 }))

const ChangePasswordBody = Type.Object({ current: Password, password: Password, confirm: Password, _csrf: Csrf })
const RevokeBody = Type.Object({ session: Type.String({ pattern: '^[0-9a-f]{64}$' }), _csrf: Csrf })
const DeleteBody = Type.Object({ password: Password, understood: Type.Optional(Type.Literal('yes')), _csrf: Csrf })

const AccountQuery = Type.Object({
  done: Type.Optional(
    Type.Union([
      Type.Literal('password'),
      Type.Literal('revoked'),
      Type.Literal('gone'),
      Type.Literal('others'),
      Type.Literal('notifications'),
    ]),
  ),
  ended: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
})
type AccountQuery = Static<typeof AccountQuery>

function sessions(count: number): string {
  return count === 1 ? '1 other session was' : `${count} other sessions were`
}

/** The confirmation shown after a redirect; fixed texts only, never request data. */
function noticeOf(query: AccountQuery): string | null {
  const ended = query.ended ?? 0
  switch (query.done) {
    case 'password':
      return `Your password is changed. ${sessions(ended)} signed out.`
    case 'revoked':
      return 'That session is signed out.'
    case 'gone':
      return 'That session had already ended.'
    case 'others':
      return `${ended === 0 ? 'No other session was' : sessions(ended)} signed out.`
    case 'notifications':
      return 'Your notification choices are saved.'
    default:
      return null
  }
}

function lockedMessage(error: ParleyError): string {
  const retryAfterMs = typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0
  return `Too many wrong passwords: this account is blocked for ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`
}

/** Where a password check error of these forms is shown. */
function passwordCheckError(error: ParleyError, field: 'current' | 'password'): FieldErrors | null {
  switch (error.code) {
    case ErrorCode.InvalidCredentials:
      return { [field]: 'That is not your current password.' }
    case ErrorCode.NowLocked:
    case ErrorCode.Locked:
      return { form: lockedMessage(error) }
    default:
      return null
  }
}

export const accountRoutes: BoardPlugin<AccountRoutesOptions> = async (app, { auth, notifications }) => {
  interface Forms {
    password?: FieldErrors
    delete?: FieldErrors
  }

  async function renderAccount(
    request: AnyRequest,
    reply: AnyReply,
    forms: Forms,
    status = 200,
    notice = null as string | null,
  ) {
    const user = requireUser(request)
    const currentHash = request.sessionToken ? auth.hashToken(request.sessionToken) : undefined
    const list = await auth.listSessions(user.id, currentHash)
    return reply.code(status).view('account', {
      title: 'Your account',
      notice,
      sessions: list.map((session) => ({
        id: session.tokenHash,
        current: session.current,
        device: describeUserAgent(session.userAgent),
        userAgent: session.userAgent ?? '',
        ip: session.ip ?? 'unknown',
        createdAtIso: new Date(session.createdAt).toISOString(),
        createdAtText: formatTime(session.createdAt),
        lastSeenAtIso: new Date(session.lastSeenAt).toISOString(),
        lastSeenAtText: formatTime(session.lastSeenAt),
      })),
      others: list.filter((session) => !session.current).length,
      errors: { password: forms.password ?? {}, delete: forms.delete ?? {} },
      minPasswordLength: auth.config.minPasswordLength,
      notificationPreferences: notifications ? await notifications.getPreferences(user.id) : null,
    })
  }

  app.get('/account', { schema: { querystring: AccountQuery } }, async (request, reply) => {
    return renderAccount(request, reply, {}, 200, noticeOf(request.query))
  })

  app.post(
    '/account/password',
    { schema: { body: ChangePasswordBody }, attachValidation: true },
    async (request, reply) => {
      const user = requireUser(request)
      if (request.validationError) {
        return renderAccount(request, reply, { password: { form: 'Fill in all three password fields.' } }, 400)
      }
      const { current, password, confirm } = request.body
      if (password !== confirm) {
        return renderAccount(request, reply, { password: { confirm: 'The two new passwords are not the same.' } }, 400)
      }
      try {
        const ended = await auth.changePassword(user.id, current, password, request.sessionToken ?? undefined)
        request.log.info({ endedSessions: ended.length }, 'password changed')
        return reply.redirect(`/account?done=password&ended=${ended.length}`, 303)
      } catch (error) {
        if (!isParleyError(error)) throw error
        const errors =
          passwordCheckError(error, 'current') ??
          (error.code === ErrorCode.PasswordTooShort || error.code === ErrorCode.PasswordTooLong
            ? { password: error.message }
            : null)
        if (!errors) throw error
        if (typeof error.details.retryAfterMs === 'number') {
          reply.header('retry-after', String(Math.ceil(error.details.retryAfterMs / 1000)))
        }
        return renderAccount(request, reply, { password: errors }, httpStatusOf(error.code))
      }
    },
  )

  app.post('/account/sessions/revoke', { schema: { body: RevokeBody } }, async (request, reply) => {
    const user = requireUser(request)
    const token = request.sessionToken
    if (token && request.body.session === auth.hashToken(token)) {
      // Ending the session in use is signing out.
      await auth.logout(token)
      request.log.info('signed out from the sessions list')
      reply.clearCookie(SESSION_COOKIE, clearCookieOptions)
      return reply.redirect('/login', 303)
    }
    const revoked = await auth.revokeSession(user.id, request.body.session)
    if (revoked) request.log.info('session revoked')
    return reply.redirect(`/account?done=${revoked ? 'revoked' : 'gone'}`, 303)
  })

  app.post('/account/sessions/revoke-others', { schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    const user = requireUser(request)
    const keep = request.sessionToken ? auth.hashToken(request.sessionToken) : undefined
    const ended = await auth.revokeAllSessions(user.id, keep)
    request.log.info({ endedSessions: ended.length }, 'other sessions revoked')
    return reply.redirect(`/account?done=others&ended=${ended.length}`, 303)
  })

  app.get('/account/export', async (request, reply) => {
    const user = requireUser(request)
    const data = await auth.exportData(user.id)
    request.log.info('account data exported')
    const day = data.exportedAt.slice(0, 10)
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="parley-account-${user.id}-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(data, null, 2)}\n`)
  })

  app.post('/account/delete', { schema: { body: DeleteBody }, attachValidation: true }, async (request, reply) => {
    const user = requireUser(request)
    if (request.validationError) {
      return renderAccount(request, reply, { delete: { password: 'Enter your password to delete the account.' } }, 400)
    }
    if (request.body.understood !== 'yes') {
      return renderAccount(
        request,
        reply,
        { delete: { form: 'Tick the box to confirm that you want to delete the account for good.' } },
        400,
      )
    }
    try {
      await auth.deleteAccount(user.id, request.body.password)
    } catch (error) {
      if (!isParleyError(error)) throw error
      const errors = passwordCheckError(error, 'password')
      if (!errors) throw error
      return renderAccount(request, reply, { delete: errors }, httpStatusOf(error.code))
    }
    request.log.info('account deleted')
    reply.clearCookie(SESSION_COOKIE, clearCookieOptions)
    reply.clearCookie(RETURNING_COOKIE, clearCookieOptions)
    return reply.redirect('/account/deleted', 303)
  })

  app.get('/account/deleted', async (request, reply) => {
    if (request.user) return reply.redirect('/account', 303)
    return reply.view('account-deleted', { title: 'Account deleted' })
  })
}
