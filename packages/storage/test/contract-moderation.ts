/**
 * The contract for the account, moderation and export parts of Storage (issue 9): the audit log,
 * post reports, the audited moderation changes and the per-user export queries. Called by
 * `runStorageContract` inside its describe, with a getter for the fresh storage of each test.
 * @module
 */
import { describe, expect, it } from 'vitest'
import { AUDIT_EXCERPT_LENGTH, type AuditContext, type Storage, StorageErrorCode, type UserRow } from '../src/index.js'
import { expectStorageError } from './expect-storage-error.js'

const T0 = 1_700_000_000_000
const FOR_GOOD = Number.MAX_SAFE_INTEGER

export function runModerationContract(current: () => Storage): void {
  function addUser(username: string, role: 'member' | 'admin' = 'member'): Promise<UserRow> {
    return current().users.createUser({
      username,
      usernameKey: username.toLowerCase(),
      passwordHash: `$argon2id$fake$${username}`,
      role,
      createdAt: T0,
    })
  }

  function addSession(userId: number, tokenHash: string) {
    return current().sessions.createSession({
      tokenHash,
      userId,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 3_600_000,
      userAgent: null,
      ip: null,
    })
  }

  function send(senderId: number, recipientId: number, clientId: string) {
    return current().messages.storeMessage({ senderId, recipientId, clientId, body: clientId, createdAt: T0 })
  }

  function by(actorId: number | null, reason: string | null = 'because', at = T0 + 1000): AuditContext {
    return { actorId, reason, at }
  }

  describe('export queries', () => {
    it('counts admins', async () => {
      const s = current()
      expect(await s.users.countAdmins()).toBe(0)
      await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      expect(await s.users.countAdmins()).toBe(1)
      await s.users.setRole(ann.id, 'admin')
      expect(await s.users.countAdmins()).toBe(2)
    })

    it("lists one author's posts newest first, paged, without anyone else's", async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const mine = []
      for (let i = 0; i < 5; i++) {
        mine.push(await s.posts.createPost(ann.id, `ann ${i}`, T0 + i))
        await s.posts.createPost(bob.id, `bob ${i}`, T0 + i)
      }
      const first = await s.posts.listPostsByAuthor(ann.id, { limit: 3 })
      expect(first.map((p) => p.body)).toEqual(['ann 4', 'ann 3', 'ann 2'])
      const rest = await s.posts.listPostsByAuthor(ann.id, { before: first.at(-1)!.id, limit: 3 })
      expect(rest).toEqual([mine[1], mine[0]])
      expect(await s.posts.listPostsByAuthor(4242, { limit: 10 })).toEqual([])
      await expect(s.posts.listPostsByAuthor(ann.id, { limit: 0 })).rejects.toThrow(RangeError)
    })

    it('lists every message a user sent or received, newest first, paged, and none of third parties', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const cy = await addUser('Cy')
      await send(ann.id, bob.id, 'a->b')
      await send(bob.id, cy.id, 'b->c')
      await send(cy.id, ann.id, 'c->a')
      await send(ann.id, cy.id, 'a->c')
      const page1 = await s.messages.forUser(ann.id, { limit: 2 })
      expect(page1.map((m) => m.clientId)).toEqual(['a->c', 'c->a'])
      const page2 = await s.messages.forUser(ann.id, { before: page1.at(-1)!.id, limit: 2 })
      expect(page2.map((m) => m.clientId)).toEqual(['a->b'])
      expect(page2[0]).toMatchObject({ senderName: 'Ann', recipientName: 'Bob' })
      await expect(s.messages.forUser(ann.id, { limit: 1001 })).rejects.toThrow(RangeError)
      // A deleted counterpart stays in the list, anonymous.
      await s.users.deleteUser(cy.id)
      const after = await s.messages.forUser(ann.id, { limit: 10 })
      expect(after.map((m) => [m.clientId, m.senderName, m.recipientName])).toEqual([
        ['a->c', 'Ann', null],
        ['c->a', null, 'Ann'],
        ['a->b', 'Ann', 'Bob'],
      ])
    })
  })

  describe('audit log', () => {
    it('records who did what to whom and why, with name snapshots and details, newest first', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      const first = await s.audit.record({
        actorId: root.id,
        action: 'user.suspend',
        targetUserId: ann.id,
        reason: 'spam',
        details: { until: T0 + 5, permanent: false },
        createdAt: T0,
      })
      expect(first).toEqual({
        id: expect.any(Number),
        actorId: root.id,
        actorName: 'Root',
        action: 'user.suspend',
        targetUserId: ann.id,
        targetName: 'Ann',
        targetPostId: null,
        reason: 'spam',
        details: { until: T0 + 5, permanent: false },
        createdAt: T0,
      })
      // The command line: no actor; no target user, only a post id that need not exist.
      const second = await s.audit.record({ actorId: null, action: 'post.delete', targetPostId: 99, createdAt: T0 + 1 })
      expect(second).toMatchObject({ actorId: null, actorName: null, targetUserId: null, targetName: null })
      expect(second).toMatchObject({ targetPostId: 99, reason: null, details: null })
      expect(await s.audit.list({ limit: 10 })).toEqual([second, first])
      expect(await s.audit.list({ before: second.id, limit: 10 })).toEqual([first])
      await expect(s.audit.list({ limit: 1001 })).rejects.toThrow(RangeError)
    })

    it('refuses unknown actor or target ids with STORAGE_NOT_FOUND and writes nothing', async () => {
      const s = current()
      const ann = await addUser('Ann')
      await expectStorageError(
        s.audit.record({ actorId: 4242, action: 'user.promote', targetUserId: ann.id, createdAt: T0 }),
        StorageErrorCode.NotFound,
      )
      await expectStorageError(
        s.audit.record({ actorId: null, action: 'user.promote', targetUserId: 4242, createdAt: T0 }),
        StorageErrorCode.NotFound,
      )
      expect(await s.audit.list({ limit: 10 })).toEqual([])
    })

    it('keeps entries with the names as they were when actor and target accounts are deleted', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      const entry = await s.audit.record({
        actorId: root.id,
        action: 'user.promote',
        targetUserId: ann.id,
        createdAt: T0,
      })
      await s.users.deleteUser(ann.id)
      await s.users.deleteUser(root.id)
      expect(await s.audit.list({ limit: 10 })).toEqual([
        { ...entry, actorId: null, targetUserId: null, actorName: 'Root', targetName: 'Ann' },
      ])
      expect(await s.check()).toEqual([])
    })
  })

  describe('post reports', () => {
    it('files a report with the post, its author and the reporter; one open report per reporter and post', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const cy = await addUser('Cy')
      const post = await s.posts.createPost(ann.id, 'rude words', T0)
      const filed = await s.reports.create({ postId: post.id, reporterId: bob.id, reason: 'rude', createdAt: T0 + 1 })
      expect(filed).toEqual({
        duplicate: false,
        report: {
          id: expect.any(Number),
          postId: post.id,
          postBody: 'rude words',
          postAuthorId: ann.id,
          postAuthorName: 'Ann',
          reporterId: bob.id,
          reporterName: 'Bob',
          reason: 'rude',
          createdAt: T0 + 1,
          resolvedAt: null,
          resolvedById: null,
          resolvedByName: null,
        },
      })
      const again = await s.reports.create({
        postId: post.id,
        reporterId: bob.id,
        reason: 'still rude',
        createdAt: T0 + 2,
      })
      expect(again).toEqual({ duplicate: true, report: filed.report })
      const other = await s.reports.create({ postId: post.id, reporterId: cy.id, reason: null, createdAt: T0 + 3 })
      expect(other.duplicate).toBe(false)
      expect(await s.reports.get(filed.report.id)).toEqual(filed.report)
      expect(await s.reports.get(4242)).toBeNull()
      expect(await s.reports.countOpen()).toBe(2)
      expect(await s.reports.listOpen({ limit: 10 })).toEqual([other.report, filed.report])
      expect(await s.reports.listOpen({ before: other.report.id, limit: 10 })).toEqual([filed.report])
      await expect(s.reports.listOpen({ limit: 0 })).rejects.toThrow(RangeError)
    })

    it('stores exactly one open report when the same member reports a post many times at once', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const post = await s.posts.createPost(ann.id, 'x', T0)
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          s.reports.create({ postId: post.id, reporterId: bob.id, reason: 'x', createdAt: T0 }),
        ),
      )
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
      expect(new Set(results.map((r) => r.report.id)).size).toBe(1)
      expect(await s.reports.countOpen()).toBe(1)
    })

    it('refuses reports of unknown posts or by unknown users', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const post = await s.posts.createPost(ann.id, 'x', T0)
      await expectStorageError(
        s.reports.create({ postId: 4242, reporterId: ann.id, reason: null, createdAt: T0 }),
        StorageErrorCode.NotFound,
      )
      await expectStorageError(
        s.reports.create({ postId: post.id, reporterId: 4242, reason: null, createdAt: T0 }),
        StorageErrorCode.NotFound,
      )
      expect(await s.reports.countOpen()).toBe(0)
    })

    it('drops reports with their post and keeps them, anonymous, when the reporter is deleted', async () => {
      const s = current()
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const kept = await s.posts.createPost(ann.id, 'kept', T0)
      const gone = await s.posts.createPost(ann.id, 'gone', T0)
      const r1 = (await s.reports.create({ postId: kept.id, reporterId: bob.id, reason: 'a', createdAt: T0 })).report
      await s.reports.create({ postId: gone.id, reporterId: bob.id, reason: 'b', createdAt: T0 })
      await s.posts.deletePost(gone.id, ann.id)
      await s.users.deleteUser(bob.id)
      expect(await s.reports.listOpen({ limit: 10 })).toEqual([{ ...r1, reporterId: null, reporterName: null }])
      expect(await s.check()).toEqual([])
    })
  })

  describe('moderation', () => {
    it('promotes and demotes with an audit entry each, and nothing when the role is already set', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      expect(await s.moderation.setRole(ann.id, 'admin', by(root.id, 'trusted'))).toBe(true)
      expect((await s.users.getUserById(ann.id))?.role).toBe('admin')
      expect(await s.moderation.setRole(ann.id, 'admin', by(root.id))).toBe(false)
      expect(await s.moderation.setRole(ann.id, 'member', by(null, null, T0 + 2000))).toBe(true)
      expect((await s.users.getUserById(ann.id))?.role).toBe('member')
      const entries = await s.audit.list({ limit: 10 })
      expect(entries.map((e) => [e.action, e.actorName, e.targetName, e.reason, e.createdAt])).toEqual([
        ['user.demote', null, 'Ann', null, T0 + 2000],
        ['user.promote', 'Root', 'Ann', 'trusted', T0 + 1000],
      ])
    })

    it('rolls the change back when the actor does not exist, and refuses unknown targets', async () => {
      const s = current()
      const ann = await addUser('Ann')
      await addSession(ann.id, 'ann-1')
      const post = await s.posts.createPost(ann.id, 'x', T0)
      await expectStorageError(s.moderation.setRole(ann.id, 'admin', by(4242)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.suspend(ann.id, FOR_GOOD, by(4242)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.deletePost(post.id, by(4242)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.resetPassword(ann.id, 'new-hash', by(4242)), StorageErrorCode.NotFound)
      expect(await s.users.getUserById(ann.id)).toMatchObject({ role: 'member', suspendedUntil: null })
      expect((await s.users.getUserById(ann.id))?.passwordHash).toBe('$argon2id$fake$Ann')
      expect(await s.sessions.getSession('ann-1')).not.toBeNull()
      expect(await s.posts.getPost(post.id)).toEqual(post)
      expect(await s.audit.list({ limit: 10 })).toEqual([])
      await expectStorageError(s.moderation.setRole(4242, 'admin', by(null)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.suspend(4242, FOR_GOOD, by(null)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.unsuspend(4242, by(null)), StorageErrorCode.NotFound)
      await expectStorageError(s.moderation.resetPassword(4242, 'h', by(null)), StorageErrorCode.NotFound)
    })

    it('suspends (ending every session) and lifts a suspension, recording both', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      await addSession(ann.id, 'ann-1')
      await addSession(ann.id, 'ann-2')
      await addSession(bob.id, 'bob-1')
      const ended = await s.moderation.suspend(ann.id, T0 + 60_000, by(root.id, 'spam'))
      expect(ended.sort()).toEqual(['ann-1', 'ann-2'])
      expect((await s.users.getUserById(ann.id))?.suspendedUntil).toBe(T0 + 60_000)
      expect(await s.sessions.listUserSessions(ann.id)).toEqual([])
      expect(await s.sessions.getSession('bob-1')).not.toBeNull()
      // A later suspension replaces the end.
      expect(await s.moderation.suspend(ann.id, FOR_GOOD, by(root.id, 'again'))).toEqual([])
      expect((await s.users.getUserById(ann.id))?.suspendedUntil).toBe(FOR_GOOD)
      expect(await s.moderation.unsuspend(ann.id, by(root.id, 'appeal'))).toBe(true)
      expect((await s.users.getUserById(ann.id))?.suspendedUntil).toBeNull()
      expect(await s.moderation.unsuspend(ann.id, by(root.id))).toBe(false)
      const entries = await s.audit.list({ limit: 10 })
      expect(entries.map((e) => [e.action, e.reason, e.details])).toEqual([
        ['user.unsuspend', 'appeal', { until: FOR_GOOD }],
        ['user.suspend', 'again', { until: FOR_GOOD, endedSessions: 0 }],
        ['user.suspend', 'spam', { until: T0 + 60_000, endedSessions: 2 }],
      ])
    })

    it('tidies a suspension that has run out without recording an unsuspension', async () => {
      const s = current()
      const ann = await addUser('Ann')
      await s.users.setSuspension(ann.id, T0)
      expect(await s.moderation.unsuspend(ann.id, by(null, null, T0 + 1))).toBe(false)
      expect((await s.users.getUserById(ann.id))?.suspendedUntil).toBeNull()
      expect(await s.audit.list({ limit: 10 })).toEqual([])
    })

    it('resets a password: new hash, every session ended, lockout cleared, recorded', async () => {
      const s = current()
      const ann = await addUser('Ann')
      await addSession(ann.id, 'ann-1')
      for (let i = 0; i < 3; i++) {
        await s.loginFailures.registerLoginAttempt(ann.id, T0)
        await s.loginFailures.recordLoginFailure(ann.id, T0, 3, 60_000)
      }
      expect((await s.loginFailures.getLoginState(ann.id, T0)).lockedUntil).not.toBeNull()
      expect(await s.moderation.resetPassword(ann.id, 'new-hash', by(null, 'forgot'))).toEqual(['ann-1'])
      expect((await s.users.getUserById(ann.id))?.passwordHash).toBe('new-hash')
      expect(await s.loginFailures.getLoginState(ann.id, T0)).toEqual({ attempt: 0, lockedUntil: null })
      const [entry] = await s.audit.list({ limit: 10 })
      expect(entry).toMatchObject({ action: 'user.reset_password', actorId: null, targetName: 'Ann', reason: 'forgot' })
      expect(entry?.details).toEqual({ endedSessions: 1 })
    })

    it('deletes any post with its reports, recording the author and an excerpt', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      const body = `${'é'.repeat(AUDIT_EXCERPT_LENGTH)}and more`
      const post = await s.posts.createPost(ann.id, body, T0)
      const short = await s.posts.createPost(ann.id, 'short', T0)
      await s.reports.create({ postId: post.id, reporterId: root.id, reason: 'long', createdAt: T0 })
      expect(await s.moderation.deletePost(post.id, by(root.id, 'off topic'))).toEqual(post)
      expect(await s.posts.getPost(post.id)).toBeNull()
      expect(await s.reports.countOpen()).toBe(0)
      expect(await s.moderation.deletePost(post.id, by(root.id))).toBeNull()
      await s.moderation.deletePost(short.id, by(null))
      const entries = await s.audit.list({ limit: 10 })
      expect(entries).toHaveLength(2)
      expect(entries[1]).toMatchObject({
        action: 'post.delete',
        actorName: 'Root',
        targetUserId: ann.id,
        targetName: 'Ann',
        targetPostId: post.id,
        reason: 'off topic',
        details: { excerpt: 'é'.repeat(AUDIT_EXCERPT_LENGTH), truncated: true },
      })
      expect(entries[0]?.details).toEqual({ excerpt: 'short', truncated: false })
      expect(await s.check()).toEqual([])
    })

    it('resolves an open report once, recording it, and leaves it out of the open list', async () => {
      const s = current()
      const root = await addUser('Root', 'admin')
      const ann = await addUser('Ann')
      const bob = await addUser('Bob')
      const post = await s.posts.createPost(ann.id, 'x', T0)
      const report = (await s.reports.create({ postId: post.id, reporterId: bob.id, reason: 'r', createdAt: T0 }))
        .report
      expect(await s.moderation.resolveReport(report.id, by(root.id, 'fine as is'))).toBe(true)
      expect(await s.moderation.resolveReport(report.id, by(root.id))).toBe(false)
      expect(await s.moderation.resolveReport(4242, by(root.id))).toBe(false)
      expect(await s.reports.listOpen({ limit: 10 })).toEqual([])
      expect(await s.reports.get(report.id)).toMatchObject({
        resolvedAt: T0 + 1000,
        resolvedById: root.id,
        resolvedByName: 'Root',
      })
      const [entry] = await s.audit.list({ limit: 10 })
      expect(entry).toMatchObject({
        action: 'report.resolve',
        targetUserId: ann.id,
        targetPostId: post.id,
        reason: 'fine as is',
        details: { reportId: report.id },
      })
      // Resolved, the same member may report the post again.
      expect(
        (await s.reports.create({ postId: post.id, reporterId: bob.id, reason: 'again', createdAt: T0 })).duplicate,
      ).toBe(false)
    })
  })
}
