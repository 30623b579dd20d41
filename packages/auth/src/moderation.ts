/**
 * Moderation: roles, suspensions, password resets, deleting posts, reports and the audit log.
 * Actors are user ids checked against storage on every call (never a role cached in a session), or
 * null for the command line (`pnpm parley`), which may do anything. Every change is stored with its
 * audit entry in one transaction (storage's ModerationStore).
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import {
  type AuditContext,
  type AuditRow,
  type PageRequest,
  type PostReportRow,
  type PostRow,
  type Role,
  type Storage,
  StorageErrorCode,
  type StoredReport,
  type UserRow,
} from '@parley/storage'
import type { AuthConfig } from './config.js'
import type { AuthLogger } from './logger.js'
import { checkPassword, type PasswordHasher } from './password.js'
import { cleanReason } from './reason.js'
import type { NotifyRevoke } from './revocation.js'
import { isSuspended, SUSPENDED_FOR_GOOD } from './suspension.js'
import { normalizeUsername } from './username.js'

export interface ModeratedUser {
  id: number
  username: string
  role: Role
  /** `SUSPENDED_FOR_GOOD` = for good; null when not suspended. */
  suspendedUntil: number | null
}

export interface ModerationApi {
  /** Makes the user an admin; `changed` is false when they already were. */
  promote(
    actorId: number | null,
    username: string,
    reason?: string | null,
  ): Promise<{ user: ModeratedUser; changed: boolean }>
  /** Makes an admin a member again. An admin cannot demote themselves (Forbidden; the command line can). */
  demote(
    actorId: number | null,
    username: string,
    reason?: string | null,
  ): Promise<{ user: ModeratedUser; changed: boolean }>
  /**
   * Suspends until `until` (epoch ms, in the future; null = for good), ending every session now;
   * listeners hear `{ tokenHashes: 'all', reason: 'suspended' }`. An admin cannot suspend themselves.
   */
  suspend(
    actorId: number | null,
    username: string,
    until: number | null,
    reason: string | null,
  ): Promise<{ user: ModeratedUser; endedSessions: number }>
  /** Lifts a suspension; `changed` is false when the user was not suspended. */
  unsuspend(
    actorId: number | null,
    username: string,
    reason?: string | null,
  ): Promise<{ user: ModeratedUser; changed: boolean }>
  /** Deletes any post (its reports go with it). Missing post: NotFound. */
  deletePostAsModerator(actorId: number | null, postId: number, reason: string | null): Promise<PostRow>
  /**
   * Sets a new password without the old one, ends every session and clears the lockout; listeners
   * hear `{ tokenHashes: 'all', reason: 'password' }`. Returns the ended token hashes.
   */
  resetPassword(
    actorId: number | null,
    username: string,
    newPassword: string,
    reason?: string | null,
  ): Promise<string[]>
  /**
   * A member reports a post (any signed-in user; not their own post: Forbidden; missing post: NotFound).
   * Reporting the same post again while the report is open returns it with `duplicate: true`.
   */
  reportPost(reporterId: number, postId: number, reason: string | null): Promise<StoredReport>
  /** Open reports, newest first (admins only). */
  listOpenReports(actorId: number | null, page: PageRequest): Promise<PostReportRow[]>
  /** Marks a report handled without deleting the post; false when it is not open (admins only). */
  resolveReport(actorId: number | null, reportId: number, reason?: string | null): Promise<boolean>
  /** The audit log, newest first (admins only). */
  auditLog(actorId: number | null, page: PageRequest): Promise<AuditRow[]>
}

function moderated(user: UserRow): ModeratedUser {
  return { id: user.id, username: user.username, role: user.role, suspendedUntil: user.suspendedUntil }
}

function forbidden(message: string): ParleyError {
  return new ParleyError(ErrorCode.Forbidden, message)
}

export function createModerationApi(deps: {
  storage: Storage
  config: AuthConfig
  now: () => number
  log: AuthLogger
  hasher: PasswordHasher
  notifyRevoke: NotifyRevoke
}) {
  const { storage, config, now, log, hasher, notifyRevoke } = deps

  /** The actor may moderate: the command line, or an existing, unsuspended admin (read fresh). */
  async function requireAdmin(actorId: number | null, action: string): Promise<void> {
    if (actorId === null) return
    const actor = await storage.users.getUserById(actorId)
    if (actor && actor.role === 'admin' && !isSuspended(actor, now())) return
    log.warn({ actorId, action }, 'moderation refused: not an admin')
    throw forbidden('Only admins can do this')
  }

  async function targetUser(username: string): Promise<UserRow> {
    let key: string | null = null
    try {
      key = normalizeUsername(username).usernameKey
    } catch {
      // a name breaking the rules can have no account
    }
    const user = key === null ? null : await storage.users.getUserByKey(key)
    if (!user) throw new ParleyError(ErrorCode.NotFound, `No user named "${username}"`)
    return user
  }

  /** Checks the actor, then the target; refuses an admin acting on themselves where that would lock them out. */
  async function prepare(actorId: number | null, action: string, username: string, notOnSelf?: string) {
    await requireAdmin(actorId, action)
    const user = await targetUser(username)
    if (notOnSelf && actorId === user.id) throw forbidden(notOnSelf)
    return user
  }

  function context(actorId: number | null, reason: string | null | undefined): AuditContext {
    return { actorId, reason: cleanReason(reason), at: now() }
  }

  async function reload(user: UserRow): Promise<ModeratedUser> {
    return moderated((await storage.users.getUserById(user.id)) ?? user)
  }

  async function setRole(actorId: number | null, username: string, role: Role, reason?: string | null) {
    const action = role === 'admin' ? 'promote' : 'demote'
    const user = await prepare(actorId, action, username, role === 'member' ? 'You cannot demote yourself' : undefined)
    const audit = context(actorId, reason)
    const changed = await storage.moderation.setRole(user.id, role, audit)
    if (changed) log.info({ actorId, userId: user.id, role }, `user ${action}d`)
    return { user: await reload(user), changed }
  }

  /** Shared by `resetPassword` and the older `setPassword(userId, …)` (the command line). */
  async function resetUserPassword(actorId: number | null, user: UserRow, newPassword: string, reason?: string | null) {
    checkPassword(newPassword, config)
    const audit = context(actorId, reason)
    const passwordHash = await hasher.hash(newPassword)
    const ended = await storage.moderation.resetPassword(user.id, passwordHash, audit)
    log.info({ actorId, userId: user.id, revokedSessions: ended.length }, 'password reset')
    notifyRevoke({ userId: user.id, tokenHashes: 'all', reason: 'password' })
    return ended
  }

  const api: ModerationApi = {
    promote: (actorId, username, reason) => setRole(actorId, username, 'admin', reason),
    demote: (actorId, username, reason) => setRole(actorId, username, 'member', reason),

    async suspend(actorId, username, until, reason) {
      const user = await prepare(actorId, 'suspend', username, 'You cannot suspend yourself')
      const audit = context(actorId, reason)
      if (until !== null && (!Number.isSafeInteger(until) || until <= audit.at)) {
        throw new RangeError(`a suspension must end in the future (got ${until})`)
      }
      const ended = await storage.moderation.suspend(user.id, until ?? SUSPENDED_FOR_GOOD, audit)
      log.info({ actorId, userId: user.id, until, revokedSessions: ended.length }, 'user suspended')
      notifyRevoke({ userId: user.id, tokenHashes: 'all', reason: 'suspended' })
      return { user: await reload(user), endedSessions: ended.length }
    },

    async unsuspend(actorId, username, reason) {
      const user = await prepare(actorId, 'unsuspend', username)
      const changed = await storage.moderation.unsuspend(user.id, context(actorId, reason))
      if (changed) log.info({ actorId, userId: user.id }, 'suspension lifted')
      return { user: await reload(user), changed }
    },

    async deletePostAsModerator(actorId, postId, reason) {
      await requireAdmin(actorId, 'delete post')
      const deleted = await storage.moderation.deletePost(postId, context(actorId, reason))
      if (!deleted) throw new ParleyError(ErrorCode.NotFound, 'No such post')
      log.info({ actorId, postId, authorId: deleted.authorId }, 'post deleted by a moderator')
      return deleted
    },

    async resetPassword(actorId, username, newPassword, reason) {
      const user = await prepare(actorId, 'reset password', username)
      return resetUserPassword(actorId, user, newPassword, reason)
    },

    async reportPost(reporterId, postId, reason) {
      const post = await storage.posts.getPost(postId)
      if (!post) throw new ParleyError(ErrorCode.NotFound, 'No such post')
      if (post.authorId === reporterId) throw forbidden('You cannot report your own post')
      try {
        const stored = await storage.reports.create({
          postId,
          reporterId,
          reason: cleanReason(reason),
          createdAt: now(),
        })
        if (!stored.duplicate) log.info({ reporterId, postId, reportId: stored.report.id }, 'post reported')
        return stored
      } catch (error) {
        // The post was deleted meanwhile (the reporter's own account vanishing ends their session first).
        if ((error as { code?: unknown }).code === StorageErrorCode.NotFound) {
          throw new ParleyError(ErrorCode.NotFound, 'No such post', {}, { cause: error })
        }
        throw error
      }
    },

    async listOpenReports(actorId, page) {
      await requireAdmin(actorId, 'list reports')
      return storage.reports.listOpen(page)
    },

    async resolveReport(actorId, reportId, reason) {
      await requireAdmin(actorId, 'resolve report')
      const resolved = await storage.moderation.resolveReport(reportId, context(actorId, reason))
      if (resolved) log.info({ actorId, reportId }, 'report resolved')
      return resolved
    },

    async auditLog(actorId, page) {
      await requireAdmin(actorId, 'read audit log')
      return storage.audit.list(page)
    },
  }

  return { api, resetUserPassword }
}
