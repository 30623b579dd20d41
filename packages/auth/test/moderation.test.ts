import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { MAX_REASON_LENGTH, SUSPENDED_FOR_GOOD } from '../src/index.js'
import { codeOf } from './helpers.js'
import { type AuthWithEvents, makeAuthWithEvents, registerAll } from './revocation-helpers.js'

const HOUR = 3_600_000

/** alice is the admin (promoted from the command line), bob and cy are members. */
async function community() {
  const t = await makeAuthWithEvents()
  const users = await registerAll(t, 'alice', 'bob', 'cy')
  await t.auth.promote(null, 'alice')
  return { t, ...(users as Record<'alice' | 'bob' | 'cy', { id: number; token: string; tokenHash: string }>) }
}

async function auditActions(t: AuthWithEvents) {
  return (await t.storage.audit.list({ limit: 100 })).map((e) => [e.action, e.actorName, e.targetName, e.reason])
}

describe('roles', () => {
  it('promotes from the command line (the first admin) and by an admin, each audited', async () => {
    const { t, alice, bob } = await community()
    expect((await t.auth.authenticate(alice.token))?.user.role).toBe('admin')
    const result = await t.auth.promote(alice.id, 'BOB', 'helps a lot')
    expect(result).toEqual({
      user: { id: bob.id, username: 'bob', role: 'admin', suspendedUntil: null },
      changed: true,
    })
    expect((await t.auth.promote(alice.id, 'bob')).changed).toBe(false)
    expect(await auditActions(t)).toEqual([
      ['user.promote', 'alice', 'bob', 'helps a lot'],
      ['user.promote', null, 'alice', null],
    ])
    const [latest] = await t.storage.audit.list({ limit: 1 })
    expect(latest).toMatchObject({ actorId: alice.id, targetUserId: bob.id, createdAt: t.clock.now })
  })

  it('demotes another admin, but an admin cannot demote themselves (the command line can)', async () => {
    const { t, alice, bob } = await community()
    await t.auth.promote(alice.id, 'bob')
    expect(await codeOf(t.auth.demote(alice.id, 'alice'))).toBe(ErrorCode.Forbidden)
    expect((await t.auth.demote(alice.id, 'bob', 'stepped down')).user.role).toBe('member')
    expect((await t.auth.demote(null, 'alice')).changed).toBe(true)
    expect(await t.storage.users.countAdmins()).toBe(0)
    expect((await auditActions(t)).slice(0, 2)).toEqual([
      ['user.demote', null, 'alice', null],
      ['user.demote', 'alice', 'bob', 'stepped down'],
    ])
    expect((await t.auth.authenticate(bob.token))?.user.role).toBe('member')
  })

  it('refuses members, suspended admins, deleted and unknown actors with Forbidden, changing and recording nothing', async () => {
    const { t, alice, bob, cy } = await community()
    await t.auth.promote(null, 'cy')
    await t.auth.suspend(alice.id, 'cy', t.clock.now + HOUR, 'cooling off')
    const dee = (await t.auth.register('dee', 'password-dee')).user
    await t.auth.promote(null, 'dee')
    await t.auth.deleteAccount(dee.id, 'password-dee')
    const before = await t.storage.audit.list({ limit: 100 })
    const post = await t.storage.posts.createPost(alice.id, 'x', t.clock.now)
    for (const actor of [bob.id, cy.id, dee.id, 4242]) {
      expect(await codeOf(t.auth.promote(actor, 'bob'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.demote(actor, 'alice'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.suspend(actor, 'alice', null, 'x'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.unsuspend(actor, 'cy'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.deletePostAsModerator(actor, post.id, 'x'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.resetPassword(actor, 'alice', 'taken over'))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.listOpenReports(actor, { limit: 10 }))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.resolveReport(actor, 1))).toBe(ErrorCode.Forbidden)
      expect(await codeOf(t.auth.auditLog(actor, { limit: 10 }))).toBe(ErrorCode.Forbidden)
    }
    expect(await t.storage.audit.list({ limit: 100 })).toEqual(before)
    expect(await t.storage.posts.getPost(post.id)).not.toBeNull()
    expect((await t.storage.users.getUserById(alice.id))?.suspendedUntil).toBeNull()
    await expect(t.auth.login('alice', 'password-alice')).resolves.toBeTruthy()
    expect(t.logs.filter((line) => line.includes('moderation refused')).length).toBeGreaterThan(0)
  })

  it('answers NotFound for an unknown or impossible username', async () => {
    const { t, alice } = await community()
    expect(await codeOf(t.auth.promote(alice.id, 'nobody'))).toBe(ErrorCode.NotFound)
    expect(await codeOf(t.auth.suspend(null, 'no such name!', null, null))).toBe(ErrorCode.NotFound)
  })
})

describe('suspension', () => {
  it('refuses login (Suspended), ends sessions, makes authenticate() null and tells listeners', async () => {
    const { t, alice, bob } = await community()
    const phone = (await t.auth.login('bob', 'password-bob')).session.token
    const until = t.clock.now + 2 * HOUR
    const result = await t.auth.suspend(alice.id, 'bob', until, 'spam')
    expect(result).toEqual({
      user: { id: bob.id, username: 'bob', role: 'member', suspendedUntil: until },
      endedSessions: 2,
    })
    expect(t.events).toEqual([{ userId: bob.id, tokenHashes: 'all', reason: 'suspended' }])
    expect(await t.auth.authenticate(bob.token)).toBeNull()
    expect(await t.auth.authenticate(phone)).toBeNull()
    await expect(t.auth.login('bob', 'password-bob')).rejects.toMatchObject({
      code: ErrorCode.Suspended,
      details: { until, permanent: false },
    })
    // Only someone who knows the password learns about the suspension.
    expect(await codeOf(t.auth.login('bob', 'wrong password'))).toBe(ErrorCode.InvalidCredentials)
    const [entry] = await t.storage.audit.list({ limit: 1 })
    expect(entry).toMatchObject({
      action: 'user.suspend',
      actorId: alice.id,
      actorName: 'alice',
      targetUserId: bob.id,
      targetName: 'bob',
      reason: 'spam',
      details: { until, endedSessions: 2 },
    })
  })

  it('ends by itself when its time is up', async () => {
    const { t, alice } = await community()
    await t.auth.suspend(alice.id, 'bob', t.clock.now + HOUR, null)
    expect(await codeOf(t.auth.login('bob', 'password-bob'))).toBe(ErrorCode.Suspended)
    t.clock.now += HOUR
    await expect(t.auth.login('bob', 'password-bob')).resolves.toBeTruthy()
  })

  it('lasts for good when no end is given, until lifted; lifting restores login', async () => {
    const { t, alice, bob } = await community()
    await t.auth.suspend(null, 'bob', null, 'ban evasion')
    t.clock.now += 10_000 * HOUR
    await expect(t.auth.login('bob', 'password-bob')).rejects.toMatchObject({
      code: ErrorCode.Suspended,
      details: { until: SUSPENDED_FOR_GOOD, permanent: true },
    })
    expect(await t.auth.unsuspend(alice.id, 'bob', 'appeal accepted')).toEqual({
      user: { id: bob.id, username: 'bob', role: 'member', suspendedUntil: null },
      changed: true,
    })
    expect((await t.auth.unsuspend(alice.id, 'bob')).changed).toBe(false)
    const { session } = await t.auth.login('bob', 'password-bob')
    expect((await t.auth.authenticate(session.token))?.user.id).toBe(bob.id)
    expect((await auditActions(t)).slice(0, 2)).toEqual([
      ['user.unsuspend', 'alice', 'bob', 'appeal accepted'],
      ['user.suspend', null, 'bob', 'ban evasion'],
    ])
  })

  it('refuses suspending oneself and an end in the past', async () => {
    const { t, alice } = await community()
    expect(await codeOf(t.auth.suspend(alice.id, 'alice', null, 'oops'))).toBe(ErrorCode.Forbidden)
    await expect(t.auth.suspend(alice.id, 'bob', t.clock.now, 'x')).rejects.toThrow(RangeError)
    await expect(t.auth.suspend(alice.id, 'bob', Number.NaN, 'x')).rejects.toThrow(RangeError)
    expect(await t.storage.audit.list({ limit: 10 })).toHaveLength(1) // only the promotion
    expect(t.events).toEqual([])
  })
})

describe('moderator post deletion', () => {
  it("deletes anyone's post with its reports, recording who, whose and why", async () => {
    const { t, alice, bob, cy } = await community()
    const post = await t.storage.posts.createPost(bob.id, 'buy cheap watches', t.clock.now)
    await t.auth.reportPost(cy.id, post.id, 'spam')
    const deleted = await t.auth.deletePostAsModerator(alice.id, post.id, 'spam')
    expect(deleted).toEqual(post)
    expect(await t.storage.posts.getPost(post.id)).toBeNull()
    expect(await t.auth.listOpenReports(alice.id, { limit: 10 })).toEqual([])
    expect(await codeOf(t.auth.deletePostAsModerator(alice.id, post.id, 'again'))).toBe(ErrorCode.NotFound)
    const [entry] = await t.auth.auditLog(alice.id, { limit: 10 })
    expect(entry).toMatchObject({
      action: 'post.delete',
      actorName: 'alice',
      targetUserId: bob.id,
      targetName: 'bob',
      targetPostId: post.id,
      reason: 'spam',
      details: { excerpt: 'buy cheap watches', truncated: false },
    })
  })
})

describe('password reset', () => {
  it('sets the password, ends every session, clears the lockout, records it and tells listeners', async () => {
    const { t, alice, bob } = await community()
    for (const guess of ['w1', 'w2', 'w3']) await codeOf(t.auth.login('bob', `${guess}-wrong`))
    expect(await codeOf(t.auth.login('bob', 'password-bob'))).toBe(ErrorCode.Locked)
    const ended = await t.auth.resetPassword(alice.id, 'Bob', 'fresh password', 'forgot it')
    expect(ended).toEqual([bob.tokenHash])
    expect(t.events).toEqual([{ userId: bob.id, tokenHashes: 'all', reason: 'password' }])
    expect(await t.auth.authenticate(bob.token)).toBeNull()
    expect(await codeOf(t.auth.login('bob', 'password-bob'))).toBe(ErrorCode.InvalidCredentials)
    await expect(t.auth.login('bob', 'fresh password')).resolves.toBeTruthy()
    expect((await auditActions(t))[0]).toEqual(['user.reset_password', 'alice', 'bob', 'forgot it'])
  })

  it('checks the new password first, changing nothing when it is too short', async () => {
    const { t, alice } = await community()
    expect(await codeOf(t.auth.resetPassword(alice.id, 'bob', 'short'))).toBe(ErrorCode.PasswordTooShort)
    await expect(t.auth.login('bob', 'password-bob')).resolves.toBeTruthy()
    expect(t.events).toEqual([])
  })

  it('setPassword (the command line) is audited with no actor', async () => {
    const { t, bob } = await community()
    expect(await t.auth.setPassword(bob.id, 'from the shell')).toEqual([bob.tokenHash])
    expect((await auditActions(t))[0]).toEqual(['user.reset_password', null, 'bob', null])
    expect(t.events).toEqual([{ userId: bob.id, tokenHashes: 'all', reason: 'password' }])
  })
})

describe('reports', () => {
  it('lets a member report a post once, shows it to admins, and records its resolution', async () => {
    const { t, alice, bob, cy } = await community()
    const post = await t.storage.posts.createPost(bob.id, 'questionable', t.clock.now)
    const first = await t.auth.reportPost(cy.id, post.id, '  off\ntopic  ')
    expect(first.duplicate).toBe(false)
    expect(first.report).toMatchObject({
      postId: post.id,
      reporterName: 'cy',
      postAuthorName: 'bob',
      reason: 'off topic',
    })
    expect((await t.auth.reportPost(cy.id, post.id, 'again')).duplicate).toBe(true)
    expect(await t.auth.listOpenReports(alice.id, { limit: 10 })).toEqual([first.report])
    expect(await t.auth.resolveReport(alice.id, first.report.id, 'it is fine')).toBe(true)
    expect(await t.auth.resolveReport(alice.id, first.report.id)).toBe(false)
    expect(await t.auth.listOpenReports(null, { limit: 10 })).toEqual([])
    expect(await t.storage.posts.getPost(post.id)).not.toBeNull()
    const [entry] = await t.auth.auditLog(null, { limit: 10 })
    expect(entry).toMatchObject({
      action: 'report.resolve',
      actorName: 'alice',
      targetName: 'bob',
      targetPostId: post.id,
      reason: 'it is fine',
      details: { reportId: first.report.id },
    })
  })

  it('refuses reporting one’s own post (Forbidden) and a missing post (NotFound)', async () => {
    const { t, bob } = await community()
    const post = await t.storage.posts.createPost(bob.id, 'mine', t.clock.now)
    expect(await codeOf(t.auth.reportPost(bob.id, post.id, null))).toBe(ErrorCode.Forbidden)
    expect(await codeOf(t.auth.reportPost(bob.id, post.id + 1, null))).toBe(ErrorCode.NotFound)
    expect(await t.storage.reports.countOpen()).toBe(0)
  })
})

describe('reasons', () => {
  it('are kept on one line, trimmed, empty as none, and refused above the limit (BadMessage)', async () => {
    const { t, alice, bob } = await community()
    await t.auth.promote(alice.id, 'bob', '   ')
    await t.auth.promote(alice.id, 'cy', 'line one\r\nline\u0000two')
    const tooLong = 'x'.repeat(MAX_REASON_LENGTH + 1)
    await expect(t.auth.suspend(alice.id, 'bob', null, tooLong)).rejects.toMatchObject({
      code: ErrorCode.BadMessage,
      details: { max: MAX_REASON_LENGTH },
    })
    await t.auth.demote(alice.id, 'cy', 'é'.repeat(MAX_REASON_LENGTH))
    const entries = await t.storage.audit.list({ limit: 3 })
    expect(entries.map((e) => e.reason)).toEqual(['é'.repeat(MAX_REASON_LENGTH), 'line one line two', null])
    expect((await t.storage.users.getUserById(bob.id))?.suspendedUntil).toBeNull() // the refused suspension
  })
})

describe('revocation listener', () => {
  it('cannot fail or undo the operation: a throwing or rejecting listener is logged and ignored', async () => {
    for (const listener of [
      () => {
        throw new Error('bus down')
      },
      () => Promise.reject(new Error('bus down')),
    ]) {
      const t = await makeAuthWithEvents({}, listener)
      const { session } = await t.auth.register('bob', 'password-bob')
      await t.auth.promote(null, 'bob')
      await expect(t.auth.logout(session.token)).resolves.toBeUndefined()
      await t.auth.register('cy', 'password-cy')
      await expect(t.auth.suspend(null, 'cy', null, null)).resolves.toMatchObject({ endedSessions: 1 })
      await expect.poll(() => t.logs.filter((line) => line.includes('revocation listener failed')).length).toBe(2)
      expect(await t.auth.authenticate(session.token)).toBeNull()
    }
  })
})
