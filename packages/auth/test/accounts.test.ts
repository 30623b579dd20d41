import { ErrorCode } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { codeOf } from './helpers.js'
import { makeAuthWithEvents, registerAll } from './revocation-helpers.js'

const MINUTE = 60_000

describe('sessions list and revocation', () => {
  it("lists the user's live sessions with where and when, marking the current one", async () => {
    const t = await makeAuthWithEvents()
    const { user, session: first } = await t.auth.register('alice', 'password1', {
      ip: '10.0.0.1',
      userAgent: 'Firefox',
    })
    t.clock.now += MINUTE
    const second = (await t.auth.login('alice', 'password1', { ip: '10.0.0.2', userAgent: 'curl' })).session
    await t.auth.register('bob', 'password2')
    const list = await t.auth.listSessions(user.id, t.auth.hashToken(second.token))
    expect(list).toEqual([
      {
        tokenHash: t.auth.hashToken(second.token),
        createdAt: t.clock.now,
        lastSeenAt: t.clock.now,
        expiresAt: second.expiresAt,
        ip: '10.0.0.2',
        userAgent: 'curl',
        current: true,
      },
      expect.objectContaining({ tokenHash: t.auth.hashToken(first.token), ip: '10.0.0.1', current: false }),
    ])
    // Idle-expired sessions are not listed even before cleanup removes them.
    t.clock.now += 29 * MINUTE
    await t.auth.authenticate(second.token)
    t.clock.now += 2 * MINUTE
    expect((await t.auth.listSessions(user.id)).map((s) => s.tokenHash)).toEqual([t.auth.hashToken(second.token)])
  })

  it("revokes one of the user's sessions, but never someone else's", async () => {
    const t = await makeAuthWithEvents()
    const { alice, bob } = await registerAll(t, 'alice', 'bob')
    expect(await t.auth.revokeSession(alice!.id, bob!.tokenHash)).toBe(false)
    expect(await t.auth.authenticate(bob!.token)).not.toBeNull()
    expect(t.events).toEqual([])
    expect(await t.auth.revokeSession(alice!.id, alice!.tokenHash)).toBe(true)
    expect(await t.auth.authenticate(alice!.token)).toBeNull()
    expect(await t.auth.revokeSession(alice!.id, alice!.tokenHash)).toBe(false)
    expect(t.events).toEqual([{ userId: alice!.id, tokenHashes: [alice!.tokenHash], reason: 'revoked' }])
  })

  it('revokes all sessions but the current one, or all of them', async () => {
    const t = await makeAuthWithEvents()
    const { alice, bob } = await registerAll(t, 'alice', 'bob')
    const other1 = (await t.auth.login('alice', 'password-alice')).session.token
    const other2 = (await t.auth.login('alice', 'password-alice')).session.token
    const ended = await t.auth.revokeAllSessions(alice!.id, alice!.tokenHash)
    expect(ended.sort()).toEqual([t.auth.hashToken(other1), t.auth.hashToken(other2)].sort())
    expect(await t.auth.authenticate(other1)).toBeNull()
    expect(await t.auth.authenticate(alice!.token)).not.toBeNull()
    expect(await t.auth.revokeAllSessions(alice!.id)).toEqual([alice!.tokenHash])
    expect(await t.auth.authenticate(alice!.token)).toBeNull()
    expect(await t.auth.authenticate(bob!.token)).not.toBeNull()
    expect(t.events).toEqual([
      { userId: alice!.id, tokenHashes: ended, reason: 'revoked' },
      { userId: alice!.id, tokenHashes: 'all', reason: 'revoked' },
    ])
  })

  it('tells listeners about a logout, and nothing about unknown tokens', async () => {
    const t = await makeAuthWithEvents()
    const { alice } = await registerAll(t, 'alice')
    await t.auth.logout(alice!.token)
    await t.auth.logout(alice!.token)
    await t.auth.logout('not a token')
    expect(t.events).toEqual([{ userId: alice!.id, tokenHashes: [alice!.tokenHash], reason: 'logout' }])
  })
})

describe('change password', () => {
  it('ends every other session, keeps the current one and tells listeners which ended', async () => {
    const t = await makeAuthWithEvents()
    const { alice, bob } = await registerAll(t, 'alice', 'bob')
    const phone = (await t.auth.login('alice', 'password-alice')).session.token
    const revoked = await t.auth.changePassword(alice!.id, 'password-alice', 'new password', alice!.token)
    expect(revoked).toEqual([t.auth.hashToken(phone)])
    expect(await t.auth.authenticate(phone)).toBeNull()
    expect(await t.auth.authenticate(alice!.token)).not.toBeNull()
    expect(await t.auth.authenticate(bob!.token)).not.toBeNull()
    expect(t.events).toEqual([{ userId: alice!.id, tokenHashes: revoked, reason: 'password' }])
    await expect(t.auth.login('alice', 'password-alice')).rejects.toMatchObject({ code: ErrorCode.InvalidCredentials })
    await expect(t.auth.login('alice', 'new password')).resolves.toBeTruthy()
  })

  it('changes nothing and tells nobody when the current password is wrong', async () => {
    const t = await makeAuthWithEvents()
    const { alice } = await registerAll(t, 'alice')
    const phone = (await t.auth.login('alice', 'password-alice')).session.token
    expect(await codeOf(t.auth.changePassword(alice!.id, 'wrong', 'new password', alice!.token))).toBe(
      ErrorCode.InvalidCredentials,
    )
    expect(await t.auth.authenticate(phone)).not.toBeNull()
    expect(t.events).toEqual([])
  })
})

describe('delete account', () => {
  it('refuses a wrong password under the lockout rules and keeps the account', async () => {
    const t = await makeAuthWithEvents()
    const { alice } = await registerAll(t, 'alice')
    expect(await codeOf(t.auth.deleteAccount(alice!.id, 'wrong-1'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(t.auth.deleteAccount(alice!.id, 'wrong-2'))).toBe(ErrorCode.InvalidCredentials)
    expect(await codeOf(t.auth.deleteAccount(alice!.id, 'wrong-3'))).toBe(ErrorCode.NowLocked)
    // Locked: even the right password is refused, without an argon2 verification.
    const verified = t.verifications.length
    expect(await codeOf(t.auth.deleteAccount(alice!.id, 'password-alice'))).toBe(ErrorCode.Locked)
    expect(t.verifications.length).toBe(verified)
    expect(await t.storage.users.getUserById(alice!.id)).not.toBeNull()
    expect(await t.auth.authenticate(alice!.token)).not.toBeNull()
    expect(t.events).toEqual([])
  })

  it('removes credentials and sessions at once, leaves no dangling rows, and others see "deleted user"', async () => {
    const t = await makeAuthWithEvents()
    const { alice, bob } = await registerAll(t, 'alice', 'bob')
    const second = (await t.auth.login('alice', 'password-alice')).session.token
    const post = await t.storage.posts.createPost(alice!.id, 'hello from alice', t.clock.now)
    const sent = await t.storage.messages.storeMessage({
      senderId: alice!.id,
      recipientId: bob!.id,
      clientId: 'a1',
      body: 'hi bob',
      createdAt: t.clock.now,
    })
    await t.storage.messages.storeMessage({
      senderId: bob!.id,
      recipientId: alice!.id,
      clientId: 'b1',
      body: 'hi alice',
      createdAt: t.clock.now,
    })
    await t.storage.blocks.block(alice!.id, bob!.id)
    await t.storage.blocks.block(bob!.id, alice!.id)
    await t.storage.presence.openPresence(alice!.id, 'gw-1', t.clock.now)
    await t.storage.loginFailures.registerLoginAttempt(alice!.id, t.clock.now)
    const bobsReport = await t.auth.reportPost(bob!.id, post.id, 'rude')

    await t.auth.deleteAccount(alice!.id, 'password-alice')

    expect(t.events).toEqual([{ userId: alice!.id, tokenHashes: 'all', reason: 'deleted' }])
    expect(await t.storage.users.getUserById(alice!.id)).toBeNull()
    expect(await t.auth.userExists('alice')).toBe(false)
    expect(await t.auth.authenticate(alice!.token)).toBeNull()
    expect(await t.auth.authenticate(second)).toBeNull()
    expect(await t.storage.sessions.listUserSessions(alice!.id)).toEqual([])
    expect(await t.storage.blocks.blockedBy(bob!.id)).toEqual([])
    expect(await t.storage.blocks.blockersOf(bob!.id)).toEqual([])
    expect(await t.storage.presence.usersOnlineSince(0)).toEqual([])
    expect(await codeOf(t.auth.login('alice', 'password-alice'))).toBe(ErrorCode.InvalidCredentials)
    // Kept, anonymised: the board and the chat show a null author as "deleted user".
    expect(await t.storage.posts.getPost(post.id)).toEqual({ ...post, authorId: null, authorName: null })
    expect(await t.storage.messages.pendingMessages(bob!.id)).toEqual([
      { ...sent.message, senderId: null, senderName: null },
    ])
    expect(await t.storage.messages.countPending()).toBe(1) // bob's message to alice waits for nobody
    expect((await t.storage.reports.get(bobsReport.report.id))?.postAuthorName).toBeNull()
    // The integrity check looks for orphans in every table.
    expect(await t.storage.check()).toEqual([])
    // Bob's session was never touched, and the name is free for a new, unrelated account.
    expect(await t.auth.authenticate(bob!.token)).not.toBeNull()
    const again = await t.auth.register('Alice', 'another password')
    expect(again.user.id).not.toBe(alice!.id)
    expect(await t.storage.posts.listPostsByAuthor(again.user.id, { limit: 10 })).toEqual([])
  })

  it('answers Unauthorized for an account that no longer exists', async () => {
    const t = await makeAuthWithEvents()
    const { alice } = await registerAll(t, 'alice')
    await t.auth.deleteAccount(alice!.id, 'password-alice')
    expect(await codeOf(t.auth.deleteAccount(alice!.id, 'password-alice'))).toBe(ErrorCode.Unauthorized)
    expect(await codeOf(t.auth.exportData(alice!.id))).toBe(ErrorCode.Unauthorized)
  })
})

describe('export data', () => {
  it("contains exactly the user's profile, sessions, posts, messages both ways and blocks", async () => {
    const t = await makeAuthWithEvents()
    const start = t.clock.now
    const tick = () => {
      t.clock.now += 1000
      return t.clock.now
    }
    const { alice, bob, cy } = await registerAll(t, 'alice', 'bob', 'cy')
    const store = (senderId: number, recipientId: number, clientId: string, body: string) =>
      t.storage.messages.storeMessage({ senderId, recipientId, clientId, body, createdAt: tick() })
    const p1 = await t.storage.posts.createPost(alice!.id, 'first post', tick())
    await t.storage.posts.createPost(bob!.id, "bob's post", tick())
    const p2 = await t.storage.posts.createPost(alice!.id, 'second post', tick())
    const m1 = (await store(alice!.id, bob!.id, 'a1', 'hi bob')).message
    const m2 = (await store(bob!.id, alice!.id, 'b1', 'hi alice')).message
    await store(bob!.id, cy!.id, 'b2', 'bob to cy: not alice business')
    const m3 = (await store(cy!.id, alice!.id, 'c1', 'from cy')).message
    await t.storage.messages.markDelivered(alice!.id, [m2.id], tick())
    await t.storage.blocks.block(alice!.id, cy!.id)
    await t.storage.blocks.block(bob!.id, alice!.id) // bob's block list is bob's data
    await t.auth.deleteAccount(cy!.id, 'password-cy')

    const exported = await t.auth.exportData(alice!.id)
    const iso = (ms: number) => new Date(ms).toISOString()
    expect(exported).toEqual({
      format: 'parley-account-export',
      version: 1,
      exportedAt: iso(t.clock.now),
      profile: { id: alice!.id, username: 'alice', role: 'member', createdAt: iso(start), suspendedUntil: null },
      sessions: [
        { createdAt: iso(start), lastSeenAt: iso(start), expiresAt: expect.any(String), ip: null, userAgent: null },
      ],
      posts: [
        { id: p1.id, body: 'first post', createdAt: iso(p1.createdAt), updatedAt: null },
        { id: p2.id, body: 'second post', createdAt: iso(p2.createdAt), updatedAt: null },
      ],
      messages: [
        {
          id: m1.id,
          direction: 'sent',
          counterpart: 'bob',
          body: 'hi bob',
          sentAt: iso(m1.createdAt),
          deliveredAt: null,
        },
        {
          id: m2.id,
          direction: 'received',
          counterpart: 'bob',
          body: 'hi alice',
          sentAt: iso(m2.createdAt),
          deliveredAt: iso(t.clock.now),
        },
        {
          id: m3.id,
          direction: 'received',
          counterpart: null,
          body: 'from cy',
          sentAt: iso(m3.createdAt),
          deliveredAt: null,
        },
      ],
      blocks: [], // cy, the only user alice blocked, deleted their account
    })
    const text = JSON.stringify(exported)
    expect(text).not.toContain('$argon2')
    expect(text).not.toContain(alice!.tokenHash)
    expect(text).not.toContain('not alice business')
    expect(JSON.parse(text)).toEqual(exported) // JSON-ready: survives a round trip unchanged
  })

  it('lists blocked users by name and pages through more than a thousand messages', async () => {
    const t = await makeAuthWithEvents()
    const { alice, bob } = await registerAll(t, 'alice', 'bob')
    await t.storage.blocks.block(alice!.id, bob!.id)
    for (let i = 0; i < 1001; i++) {
      await t.storage.messages.storeMessage({
        senderId: i % 2 === 0 ? alice!.id : bob!.id,
        recipientId: i % 2 === 0 ? bob!.id : alice!.id,
        clientId: `m${i}`,
        body: `message ${i}`,
        createdAt: t.clock.now + i,
      })
    }
    const exported = await t.auth.exportData(alice!.id)
    expect(exported.blocks).toEqual([{ username: 'bob' }])
    expect(exported.messages).toHaveLength(1001)
    expect(exported.messages[0]).toMatchObject({ body: 'message 0', direction: 'sent' })
    expect(exported.messages[1000]).toMatchObject({ body: 'message 1000', direction: 'sent' })
    expect(exported.messages[1]).toMatchObject({ body: 'message 1', direction: 'received' })
  })
})
