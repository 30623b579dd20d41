/**
 * The contract every Storage backend must pass. A backend's test file calls `runStorageContract`
 * with a factory that returns a fresh, empty, migrated storage for each test.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOGIN_ATTEMPT_TTL_MS, type Storage, type StorageError, StorageErrorCode, type UserRow } from '../src/index.js'
import { runAttachmentContract } from './contract-attachments.js'
import { runHousekeepingContract } from './contract-housekeeping.js'
import { runModerationContract } from './contract-moderation.js'
import { runNotificationContract } from './contract-notifications.js'
import { runPasswordContract } from './contract-passwords.js'
import { runReplyContract } from './contract-replies.js'
import { runSearchContract } from './contract-search.js'
import { runUploadContract } from './contract-uploads.js'
import { runUsernameContract } from './contract-usernames.js'
import { expectStorageError } from './expect-storage-error.js'

export type OpenStorage = () => Promise<Storage>
export type CleanupStorage = (storage: Storage) => Promise<void>

const T0 = 1_700_000_000_000

/** Asserts a promise rejects with a StorageError carrying `code`. */
export function runStorageContract(name: string, open: OpenStorage, cleanup?: CleanupStorage): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage
    let opened = false

    beforeEach(async () => {
      opened = false
      storage = await open()
      opened = true
    })
    afterEach(async () => {
      if (!opened) return
      await storage.close()
      await cleanup?.(storage)
    })

    function addUser(username: string, createdAt = T0): Promise<UserRow> {
      return storage.users.createUser({
        username,
        usernameKey: username.toLowerCase(),
        passwordHash: `$argon2id$fake$${username}`,
        createdAt,
      })
    }

    function addSession(userId: number, tokenHash: string, at = T0, expiresAt = at + 3_600_000) {
      return storage.sessions.createSession({
        tokenHash,
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
        userAgent: 'vitest',
        ip: '127.0.0.1',
      })
    }

    function send(senderId: number, recipientId: number, clientId: string, body = clientId, createdAt = T0) {
      return storage.messages.storeMessage({ senderId, recipientId, clientId, body, createdAt })
    }

    describe('schema', () => {
      it('starts migrated and sound, and migrating again changes nothing', async () => {
        const version = await storage.schemaVersion()
        expect(version.current).toBe(version.latest)
        expect(version.latest).toBeGreaterThanOrEqual(2)
        await storage.migrate()
        await storage.migrate()
        expect(await storage.schemaVersion()).toEqual(version)
        expect(await storage.check()).toEqual([])
      })

      it('stays sound after a mix of every kind of write', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        await addSession(ann.id, 'h1')
        await storage.posts.createPost(ann.id, 'hi', T0)
        await send(ann.id, bob.id, 'c1')
        await storage.blocks.block(bob.id, ann.id)
        await storage.presence.openPresence(ann.id, 'gw-1', T0)
        await storage.loginFailures.registerLoginAttempt(bob.id, T0)
        await storage.users.deleteUser(ann.id)
        expect(await storage.check()).toEqual([])
      })
    })

    describe('users', () => {
      it('creates a member and finds it by id and by key', async () => {
        const ann = await addUser('Ann')
        expect(ann).toEqual({
          id: expect.any(Number),
          username: 'Ann',
          usernameKey: 'ann',
          passwordHash: '$argon2id$fake$Ann',
          role: 'member',
          createdAt: T0,
          suspendedUntil: null,
        })
        expect(await storage.users.getUserById(ann.id)).toEqual(ann)
        expect(await storage.users.getUserByKey('ann')).toEqual(ann)
        expect(await storage.users.getUserByKey('Ann')).toBeNull()
        expect(await storage.users.getUserById(ann.id + 1000)).toBeNull()
      })

      it('creates an admin when asked', async () => {
        const root = await storage.users.createUser({
          username: 'Root',
          usernameKey: 'root',
          passwordHash: 'h',
          role: 'admin',
          createdAt: T0,
        })
        expect(root.role).toBe('admin')
      })

      it('refuses a second user with the same key (any case) with STORAGE_CONFLICT and keeps the first', async () => {
        const ann = await addUser('Ann')
        await expectStorageError(addUser('ANN'), StorageErrorCode.Conflict)
        expect(await storage.users.listUsers()).toEqual([ann])
      })

      it('lets exactly one of many parallel registrations of one name win', async () => {
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => addUser(i % 2 ? 'Zed' : 'zed')))
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
        for (const result of results) {
          if (result.status === 'rejected') expect((result.reason as StorageError).code).toBe(StorageErrorCode.Conflict)
        }
      })

      it('looks several users up at once, ignoring unknown ids', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        expect(await storage.users.getUsersByIds([bob.id, ann.id, 999_999])).toEqual([ann, bob])
        expect(await storage.users.getUsersByIds([])).toEqual([])
      })

      it('lists users in creation order', async () => {
        const names = ['Cy', 'Ann', 'Bob']
        for (const username of names) await addUser(username)
        expect((await storage.users.listUsers()).map((user) => user.username)).toEqual(names)
      })

      it('updates the password hash, role and suspension', async () => {
        const ann = await addUser('Ann')
        await storage.users.updatePasswordHash(ann.id, 'new-hash')
        await storage.users.setRole(ann.id, 'admin')
        await storage.users.setSuspension(ann.id, Number.MAX_SAFE_INTEGER)
        expect(await storage.users.getUserById(ann.id)).toMatchObject({
          passwordHash: 'new-hash',
          role: 'admin',
          suspendedUntil: Number.MAX_SAFE_INTEGER,
        })
        await storage.users.setSuspension(ann.id, null)
        expect((await storage.users.getUserById(ann.id))?.suspendedUntil).toBeNull()
      })

      it('reports STORAGE_NOT_FOUND when changing a user that does not exist', async () => {
        await expectStorageError(storage.users.updatePasswordHash(4242, 'h'), StorageErrorCode.NotFound)
        await expectStorageError(storage.users.setRole(4242, 'admin'), StorageErrorCode.NotFound)
        await expectStorageError(storage.users.setSuspension(4242, T0), StorageErrorCode.NotFound)
        await expectStorageError(storage.users.deleteUser(4242), StorageErrorCode.NotFound)
      })

      it('deletes a user with credentials, sessions, failures, blocks and presence, keeping posts and messages anonymous', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        await addSession(ann.id, 'ann-session')
        await addSession(bob.id, 'bob-session')
        await storage.loginFailures.registerLoginAttempt(ann.id, T0)
        await storage.blocks.block(ann.id, bob.id)
        await storage.blocks.block(bob.id, ann.id)
        await storage.presence.openPresence(ann.id, 'gw', T0)
        const post = await storage.posts.createPost(ann.id, 'from Ann', T0)
        const sent = (await send(ann.id, bob.id, 'a1', 'to Bob')).message
        const received = (await send(bob.id, ann.id, 'b1', 'to Ann')).message

        await storage.users.deleteUser(ann.id)

        expect(await storage.users.getUserById(ann.id)).toBeNull()
        expect(await storage.users.getUserByKey('ann')).toBeNull()
        expect(await storage.sessions.getSession('ann-session')).toBeNull()
        expect(await storage.sessions.getSession('bob-session')).not.toBeNull()
        expect(await storage.blocks.blockedBy(bob.id)).toEqual([])
        expect(await storage.blocks.blockersOf(bob.id)).toEqual([])
        expect(await storage.presence.usersOnlineSince(0)).toEqual([])
        expect(await storage.posts.getPost(post.id)).toEqual({ ...post, authorId: null, authorName: null })
        const bobsView = await storage.messages.conversation(bob.id, ann.id, { limit: 10 })
        expect(bobsView).toEqual([])
        expect(await storage.messages.pendingMessages(bob.id)).toEqual([{ ...sent, senderId: null, senderName: null }])
        // Bob's message to the deleted account no longer waits in any queue.
        expect(await storage.messages.countPending()).toBe(1)
        expect(await storage.messages.pendingMessages(ann.id)).toEqual([])
        expect(received.recipientId).toBe(ann.id) // as stored before the deletion
        expect(await storage.check()).toEqual([])

        // The name is free again, and the new account inherits nothing.
        const newAnn = await addUser('Ann')
        expect(newAnn.id).not.toBe(ann.id)
        expect((await storage.posts.getPost(post.id))?.authorId).toBeNull()
        expect(await storage.loginFailures.getLoginState(newAnn.id, T0)).toEqual({ attempt: 0, lockedUntil: null })
      })
    })

    describe('login failures', () => {
      it('counts attempts, locks at the limit and refuses without counting while locked', async () => {
        const ann = await addUser('Ann')
        const lf = storage.loginFailures
        for (let attempt = 1; attempt <= 3; attempt++) {
          expect(await lf.registerLoginAttempt(ann.id, T0 + attempt)).toEqual({ attempt, lockedUntil: null })
          const expectedLock = attempt === 3 ? T0 + attempt + 60_000 : null
          expect(await lf.recordLoginFailure(ann.id, T0 + attempt, 3, 60_000)).toEqual({
            attempt,
            lockedUntil: expectedLock,
          })
        }
        const locked = { attempt: 3, lockedUntil: T0 + 60_003 }
        expect(await lf.registerLoginAttempt(ann.id, T0 + 10)).toEqual(locked)
        expect(await lf.registerLoginAttempt(ann.id, T0 + 60_002)).toEqual(locked)
        expect(await lf.getLoginState(ann.id, T0 + 60_002)).toEqual(locked)
        // Once the lock has expired the count starts again.
        expect(await lf.getLoginState(ann.id, T0 + 60_003)).toEqual({ attempt: 0, lockedUntil: null })
        expect(await lf.registerLoginAttempt(ann.id, T0 + 60_003)).toEqual({ attempt: 1, lockedUntil: null })
      })

      it('starts again after a success', async () => {
        const ann = await addUser('Ann')
        const lf = storage.loginFailures
        await lf.registerLoginAttempt(ann.id, T0)
        await lf.recordLoginFailure(ann.id, T0, 3, 60_000)
        await lf.registerLoginAttempt(ann.id, T0)
        await lf.recordLoginFailure(ann.id, T0, 3, 60_000)
        expect(await lf.getLoginState(ann.id, T0)).toEqual({ attempt: 2, lockedUntil: null })
        await lf.registerLoginAttempt(ann.id, T0)
        await lf.clearLoginFailures(ann.id)
        expect(await lf.getLoginState(ann.id, T0)).toEqual({ attempt: 0, lockedUntil: null })
        expect(await lf.registerLoginAttempt(ann.id, T0)).toEqual({ attempt: 1, lockedUntil: null })
      })

      it('keeps each account separate', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        await storage.loginFailures.registerLoginAttempt(ann.id, T0)
        await storage.loginFailures.registerLoginAttempt(ann.id, T0)
        expect(await storage.loginFailures.registerLoginAttempt(bob.id, T0)).toEqual({ attempt: 1, lockedUntil: null })
      })

      it('gives 50 concurrent attempts the numbers 1..50, each exactly once', async () => {
        const ann = await addUser('Ann')
        const results = await Promise.all(
          Array.from({ length: 50 }, () => storage.loginFailures.registerLoginAttempt(ann.id, T0)),
        )
        expect(results.map((result) => result.attempt).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        )
      })

      it('lets no more than 3 of 50 parallel wrong guesses reach the password check', async () => {
        const ann = await addUser('Ann')
        const lf = storage.loginFailures
        const guess = async () => {
          const counted = await lf.registerLoginAttempt(ann.id, T0)
          if (counted.attempt > 3 || counted.lockedUntil !== null) return 'refused'
          await lf.recordLoginFailure(ann.id, T0, 3, 60_000) // the (wrong) password was checked
          return 'checked'
        }
        const outcomes = await Promise.all(Array.from({ length: 50 }, guess))
        expect(outcomes.filter((outcome) => outcome === 'checked').length).toBeLessThanOrEqual(3)
        expect(await lf.getLoginState(ann.id, T0)).toEqual({ attempt: 3, lockedUntil: T0 + 60_000 })
        expect(await guess()).toBe('refused')
      })

      it('forgets in-flight attempts whose process never reported back', async () => {
        const ann = await addUser('Ann')
        const lf = storage.loginFailures
        await lf.registerLoginAttempt(ann.id, T0)
        await lf.recordLoginFailure(ann.id, T0, 3, 60_000)
        for (let i = 0; i < 5; i++) await lf.registerLoginAttempt(ann.id, T0) // abandoned, e.g. a crash
        expect(await lf.getLoginState(ann.id, T0 + 1)).toEqual({ attempt: 6, lockedUntil: null })
        const later = T0 + LOGIN_ATTEMPT_TTL_MS
        expect(await lf.getLoginState(ann.id, later)).toEqual({ attempt: 1, lockedUntil: null })
        // The confirmed failure still counts.
        expect(await lf.registerLoginAttempt(ann.id, later)).toEqual({ attempt: 2, lockedUntil: null })
      })

      it('reports STORAGE_NOT_FOUND for an unknown user', async () => {
        await expectStorageError(storage.loginFailures.registerLoginAttempt(4242, T0), StorageErrorCode.NotFound)
        await expectStorageError(storage.loginFailures.getLoginState(4242, T0), StorageErrorCode.NotFound)
      })
    })

    describe('sessions', () => {
      it('creates, finds, touches and deletes a session', async () => {
        const ann = await addUser('Ann')
        await addSession(ann.id, 'h1', T0, T0 + 1000)
        expect(await storage.sessions.getSession('h1')).toEqual({
          tokenHash: 'h1',
          userId: ann.id,
          createdAt: T0,
          lastSeenAt: T0,
          expiresAt: T0 + 1000,
          userAgent: 'vitest',
          ip: '127.0.0.1',
        })
        await storage.sessions.touchSession('h1', T0 + 500)
        expect((await storage.sessions.getSession('h1'))?.lastSeenAt).toBe(T0 + 500)
        await storage.sessions.touchSession('h1', T0 + 100) // a late, older request
        expect((await storage.sessions.getSession('h1'))?.lastSeenAt).toBe(T0 + 500)
        await storage.sessions.deleteSession('h1')
        expect(await storage.sessions.getSession('h1')).toBeNull()
        await storage.sessions.deleteSession('h1') // unknown: no-op
        await storage.sessions.touchSession('h1', T0) // unknown: no-op
      })

      it('keeps null client details', async () => {
        const ann = await addUser('Ann')
        await storage.sessions.createSession({
          tokenHash: 'h',
          userId: ann.id,
          createdAt: T0,
          lastSeenAt: T0,
          expiresAt: T0 + 1,
          userAgent: null,
          ip: null,
        })
        expect(await storage.sessions.getSession('h')).toMatchObject({ userAgent: null, ip: null })
      })

      it('refuses a duplicate token hash and a session for an unknown user', async () => {
        const ann = await addUser('Ann')
        await addSession(ann.id, 'h1')
        await expectStorageError(addSession(ann.id, 'h1'), StorageErrorCode.Conflict)
        await expectStorageError(addSession(4242, 'h2'), StorageErrorCode.NotFound)
      })

      it("lists a user's sessions and ends all but one", async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        await addSession(ann.id, 'a1', T0)
        await addSession(ann.id, 'a2', T0 + 1)
        await addSession(ann.id, 'a3', T0 + 2)
        await addSession(bob.id, 'b1')
        expect((await storage.sessions.listUserSessions(ann.id)).map((s) => s.tokenHash)).toEqual(['a3', 'a2', 'a1'])
        expect((await storage.sessions.deleteUserSessions(ann.id, 'a2')).sort()).toEqual(['a1', 'a3'])
        expect((await storage.sessions.listUserSessions(ann.id)).map((s) => s.tokenHash)).toEqual(['a2'])
        expect(await storage.sessions.deleteUserSessions(ann.id)).toEqual(['a2'])
        expect(await storage.sessions.listUserSessions(ann.id)).toEqual([])
        expect(await storage.sessions.getSession('b1')).not.toBeNull()
      })

      it('removes idle and absolutely expired sessions, keeping live ones', async () => {
        const ann = await addUser('Ann')
        await addSession(ann.id, 'live', T0, T0 + 10_000)
        await addSession(ann.id, 'idle', T0, T0 + 10_000)
        await addSession(ann.id, 'old', T0, T0 + 5_000)
        await addSession(ann.id, 'edge-idle', T0, T0 + 10_000)
        await storage.sessions.touchSession('live', T0 + 5_000)
        await storage.sessions.touchSession('old', T0 + 5_000)
        await storage.sessions.touchSession('edge-idle', T0 + 4_000)
        // At T0+5000 with 1 s idle allowed: 'idle' idles since T0, 'old' hit its absolute expiry.
        expect(await storage.sessions.deleteExpiredSessions(T0 + 5_000, T0 + 4_000)).toBe(2)
        expect((await storage.sessions.listUserSessions(ann.id)).map((s) => s.tokenHash).sort()).toEqual([
          'edge-idle',
          'live',
        ])
        expect(await storage.sessions.deleteExpiredSessions(T0 + 5_000, T0 + 4_000)).toBe(0)
      })
    })

    describe('posts', () => {
      it('creates a post with its author name and finds it', async () => {
        const ann = await addUser('Ann')
        const post = await storage.posts.createPost(ann.id, 'Hello <world> & "all"', T0)
        expect(post).toEqual({
          id: expect.any(Number),
          authorId: ann.id,
          authorName: 'Ann',
          body: 'Hello <world> & "all"',
          createdAt: T0,
          updatedAt: null,
          parentId: null,
          quoteId: null,
          deletedAt: null,
          replyCount: 0,
          lastActivityAt: T0,
        })
        expect(await storage.posts.getPost(post.id)).toEqual(post)
        expect(await storage.posts.getPost(post.id + 1000)).toBeNull()
      })

      it('refuses a post by an unknown author', async () => {
        await expectStorageError(storage.posts.createPost(4242, 'x', T0), StorageErrorCode.NotFound)
      })

      it('lists newest first and pages by cursor, stable while new posts arrive', async () => {
        const ann = await addUser('Ann')
        const ids: number[] = []
        for (let i = 0; i < 7; i++) ids.push((await storage.posts.createPost(ann.id, `p${i}`, T0 + i)).id)
        const first = await storage.posts.listPosts({ limit: 3 })
        expect(first.map((p) => p.body)).toEqual(['p6', 'p5', 'p4'])
        // New posts arrive between page loads: the next pages neither repeat nor skip anything.
        await storage.posts.createPost(ann.id, 'new1', T0 + 100)
        await storage.posts.createPost(ann.id, 'new2', T0 + 101)
        const second = await storage.posts.listPosts({ before: first.at(-1)!.id, limit: 3 })
        expect(second.map((p) => p.body)).toEqual(['p3', 'p2', 'p1'])
        const third = await storage.posts.listPosts({ before: second.at(-1)!.id, limit: 3 })
        expect(third.map((p) => p.body)).toEqual(['p0'])
        expect(await storage.posts.listPosts({ before: third.at(-1)!.id, limit: 3 })).toEqual([])
        expect((await storage.posts.listPosts({ limit: 2 })).map((p) => p.body)).toEqual(['new2', 'new1'])
        expect(first[0]?.authorName).toBe('Ann')
      })

      it('rejects a page limit outside 1..1000', async () => {
        await expect(storage.posts.listPosts({ limit: 0 })).rejects.toBeInstanceOf(RangeError)
        await expect(storage.posts.listPosts({ limit: 1001 })).rejects.toBeInstanceOf(RangeError)
        await expect(storage.posts.listPosts({ limit: 1.5 })).rejects.toBeInstanceOf(RangeError)
      })

      it('lets only the author edit a post', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const post = await storage.posts.createPost(ann.id, 'v1', T0)
        expect(await storage.posts.updatePost(post.id, bob.id, 'hijack', T0 + 1)).toBeNull()
        expect(await storage.posts.getPost(post.id)).toEqual(post)
        expect(await storage.posts.updatePost(post.id, ann.id, 'v2', T0 + 2)).toEqual({
          ...post,
          body: 'v2',
          updatedAt: T0 + 2,
        })
        expect(await storage.posts.updatePost(post.id + 1000, ann.id, 'v3', T0 + 3)).toBeNull()
      })

      it('lets the author (or a moderator, authorId null) delete a post, and nobody else', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const first = await storage.posts.createPost(ann.id, 'one', T0)
        const second = await storage.posts.createPost(ann.id, 'two', T0)
        expect(await storage.posts.deletePost(first.id, bob.id)).toBe(false)
        expect(await storage.posts.getPost(first.id)).not.toBeNull()
        expect(await storage.posts.deletePost(first.id, ann.id)).toBe(true)
        expect(await storage.posts.deletePost(first.id, ann.id)).toBe(false)
        expect(await storage.posts.deletePost(second.id, null)).toBe(true)
        expect(await storage.posts.listPosts({ limit: 10 })).toEqual([])
      })
    })

    describe('messages', () => {
      it('stores a message with both names, undelivered', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const stored = await send(ann.id, bob.id, 'c-1', 'hello')
        expect(stored).toEqual({
          duplicate: false,
          message: {
            id: expect.any(Number),
            senderId: ann.id,
            senderName: 'Ann',
            recipientId: bob.id,
            recipientName: 'Bob',
            clientId: 'c-1',
            body: 'hello',
            createdAt: T0,
            deliveredAt: null,
          },
        })
      })

      it('deduplicates by (sender, clientId), returning the first copy', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const first = await send(ann.id, bob.id, 'c-1', 'original', T0)
        const resend = await send(ann.id, bob.id, 'c-1', 'changed', T0 + 5)
        expect(resend).toEqual({ duplicate: true, message: first.message })
        // The same clientId from another sender is another message.
        const other = await send(bob.id, ann.id, 'c-1', 'reply')
        expect(other.duplicate).toBe(false)
        expect(other.message.id).not.toBe(first.message.id)
        expect(await storage.messages.countPending()).toBe(2)
      })

      it('messages sent in the same moment (one batch) each get their own outcome, in order', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const outcomes = await Promise.allSettled([
          send(ann.id, bob.id, 'b-1', 'one'),
          send(bob.id, ann.id, 'b-2', 'two'),
          send(ann.id, bob.id, 'b-1', 'one again'), // a resend racing its original
          send(ann.id + bob.id + 1000, bob.id, 'b-3', 'from nobody'), // no such sender
          send(ann.id, bob.id, 'b-4', 'three'),
        ])
        const [one, two, again, nobody, three] = outcomes
        if (one?.status !== 'fulfilled' || two?.status !== 'fulfilled' || again?.status !== 'fulfilled') {
          throw new Error(`expected the first three to be stored: ${JSON.stringify(outcomes)}`)
        }
        expect(one.value.duplicate).toBe(false)
        expect(again.value).toEqual({ duplicate: true, message: one.value.message })
        expect(two.value.message.body).toBe('two')
        expect(nobody?.status).toBe('rejected')
        expect(((nobody as PromiseRejectedResult).reason as StorageError).code).toBe(StorageErrorCode.NotFound)
        if (three?.status !== 'fulfilled') throw new Error('expected the last one to be stored')
        expect(three.value.message.id).toBeGreaterThan(one.value.message.id)
        expect((await storage.messages.pendingMessages(bob.id)).map((m) => m.body)).toEqual(['one', 'three'])
        // Confirmations of several recipients at once, in one batch.
        await Promise.all([
          storage.messages.markDelivered(bob.id, [one.value.message.id], T0 + 1),
          storage.messages.markDelivered(ann.id, [two.value.message.id], T0 + 2),
          storage.messages.markDelivered(ann.id, [three.value.message.id], T0 + 3), // not ann's: ignored
        ])
        expect((await storage.messages.pendingMessages(bob.id)).map((m) => m.body)).toEqual(['three'])
        expect(await storage.messages.pendingMessages(ann.id)).toEqual([])
      })

      it('stores exactly one copy when the same message is sent many times at once', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => send(ann.id, bob.id, 'same', `try ${i}`)),
        )
        expect(results.filter((result) => !result.duplicate)).toHaveLength(1)
        expect(new Set(results.map((result) => result.message.id)).size).toBe(1)
        expect(new Set(results.map((result) => result.message.body)).size).toBe(1)
        expect(await storage.messages.pendingMessages(bob.id)).toHaveLength(1)
      })

      it('refuses a message to or from an unknown user', async () => {
        const ann = await addUser('Ann')
        await expectStorageError(send(ann.id, 4242, 'x'), StorageErrorCode.NotFound)
        await expectStorageError(send(4242, ann.id, 'y'), StorageErrorCode.NotFound)
      })

      it('queues undelivered messages per recipient, oldest first, with a limit', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        await send(ann.id, bob.id, 'm1')
        await send(cy.id, bob.id, 'm2')
        await send(ann.id, cy.id, 'not-for-bob')
        await send(ann.id, bob.id, 'm3')
        expect((await storage.messages.pendingMessages(bob.id)).map((m) => m.clientId)).toEqual(['m1', 'm2', 'm3'])
        expect((await storage.messages.pendingMessages(bob.id, 2)).map((m) => m.clientId)).toEqual(['m1', 'm2'])
        expect(await storage.messages.pendingMessages(ann.id)).toEqual([])
        expect(await storage.messages.countPending()).toBe(4)
      })

      it('marks delivered only the recipient’s own messages', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        const toBob1 = (await send(ann.id, bob.id, 'b1')).message
        const toBob2 = (await send(ann.id, bob.id, 'b2')).message
        const toCy = (await send(ann.id, cy.id, 'c1')).message
        await storage.messages.markDelivered(bob.id, [toBob1.id, toCy.id, 999_999], T0 + 10)
        expect((await storage.messages.pendingMessages(bob.id)).map((m) => m.id)).toEqual([toBob2.id])
        expect((await storage.messages.pendingMessages(cy.id)).map((m) => m.id)).toEqual([toCy.id])
        // Acknowledging twice keeps the first delivery time.
        await storage.messages.markDelivered(bob.id, [toBob1.id], T0 + 20)
        const history = await storage.messages.conversation(ann.id, bob.id, { limit: 10 })
        expect(history.find((m) => m.id === toBob1.id)?.deliveredAt).toBe(T0 + 10)
        await storage.messages.markDelivered(bob.id, [], T0 + 30)
        expect(await storage.messages.countPending()).toBe(2)
      })

      it('pages a conversation in both directions, newest first, without third parties', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        await send(ann.id, bob.id, '1')
        await send(bob.id, ann.id, '2')
        await send(ann.id, cy.id, 'other')
        await send(cy.id, bob.id, 'other2')
        await send(ann.id, bob.id, '3')
        await send(bob.id, ann.id, '4')
        const page1 = await storage.messages.conversation(ann.id, bob.id, { limit: 3 })
        expect(page1.map((m) => m.clientId)).toEqual(['4', '3', '2'])
        const page2 = await storage.messages.conversation(bob.id, ann.id, { before: page1.at(-1)!.id, limit: 3 })
        expect(page2.map((m) => m.clientId)).toEqual(['1'])
      })
    })

    describe('blocks', () => {
      it('blocks and unblocks, reporting whether anything changed', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        expect(await storage.blocks.block(ann.id, bob.id)).toBe(true)
        expect(await storage.blocks.block(ann.id, bob.id)).toBe(false)
        expect(await storage.blocks.block(ann.id, cy.id)).toBe(true)
        expect(await storage.blocks.block(cy.id, bob.id)).toBe(true)
        expect(await storage.blocks.blockedBy(ann.id)).toEqual([bob.id, cy.id])
        expect(await storage.blocks.blockersOf(bob.id)).toEqual([ann.id, cy.id])
        expect(await storage.blocks.unblock(ann.id, bob.id)).toBe(true)
        expect(await storage.blocks.unblock(ann.id, bob.id)).toBe(false)
        expect(await storage.blocks.blockedBy(ann.id)).toEqual([cy.id])
      })

      it('sees a block from either side', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        await storage.blocks.block(ann.id, bob.id)
        expect(await storage.blocks.eitherBlocked(ann.id, bob.id)).toBe(true)
        expect(await storage.blocks.eitherBlocked(bob.id, ann.id)).toBe(true)
        expect(await storage.blocks.eitherBlocked(ann.id, cy.id)).toBe(false)
        expect(await storage.blocks.eitherBlocked(cy.id, bob.id)).toBe(false)
      })

      it('refuses to block an unknown user', async () => {
        const ann = await addUser('Ann')
        await expectStorageError(storage.blocks.block(ann.id, 4242), StorageErrorCode.NotFound)
      })
    })

    describe('presence', () => {
      it('answers who was online since a moment', async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        const cy = await addUser('Cy')
        const dee = await addUser('Dee')
        const annSession = await storage.presence.openPresence(ann.id, 'gw-1', T0)
        await storage.presence.closePresence(annSession, T0 + 100)
        const bobSession = await storage.presence.openPresence(bob.id, 'gw-1', T0)
        await storage.presence.closePresence(bobSession, T0 + 200)
        await storage.presence.openPresence(cy.id, 'gw-2', T0 + 50) // still online
        await storage.presence.openPresence(cy.id, 'gw-1', T0 + 60) // a second connection
        expect(await storage.presence.usersOnlineSince(T0 + 150)).toEqual([bob.id, cy.id])
        expect(await storage.presence.usersOnlineSince(T0 + 200)).toEqual([bob.id, cy.id])
        expect(await storage.presence.usersOnlineSince(T0 + 201)).toEqual([cy.id])
        expect(await storage.presence.usersOnlineSince(0)).toEqual([ann.id, bob.id, cy.id])
        expect(await storage.presence.usersOnlineSince(0)).not.toContain(dee.id)
      })

      it('closes a presence only once', async () => {
        const ann = await addUser('Ann')
        const id = await storage.presence.openPresence(ann.id, 'gw-1', T0)
        await storage.presence.closePresence(id, T0 + 10)
        await storage.presence.closePresence(id, T0 + 500)
        expect(await storage.presence.usersOnlineSince(T0 + 11)).toEqual([])
        expect(await storage.presence.usersOnlineSince(T0 + 10)).toEqual([ann.id])
      })

      it("closes what a crashed instance left open, and only that instance's", async () => {
        const ann = await addUser('Ann')
        const bob = await addUser('Bob')
        await storage.presence.openPresence(ann.id, 'gw-crashed', T0)
        await storage.presence.openPresence(bob.id, 'gw-alive', T0)
        await storage.presence.closeInstancePresence('gw-crashed', T0 + 1000)
        expect(await storage.presence.usersOnlineSince(T0 + 1001)).toEqual([bob.id])
        expect(await storage.presence.usersOnlineSince(T0 + 1000)).toEqual([ann.id, bob.id])
        expect(await storage.check()).toEqual([])
      })

      it('refuses presence for an unknown user', async () => {
        await expectStorageError(storage.presence.openPresence(4242, 'gw', T0), StorageErrorCode.NotFound)
      })
    })

    runModerationContract(() => storage)
    runPasswordContract(() => storage)
    runUsernameContract(() => storage)
    runUploadContract(() => storage)
    runAttachmentContract(() => storage)
    runReplyContract(() => storage)
    runSearchContract(() => storage)
    runNotificationContract(() => storage)
    runHousekeepingContract(() => storage)

    describe('closing', () => {
      it('answers STORAGE_UNAVAILABLE after close', async () => {
        await storage.close()
        await expectStorageError(storage.users.listUsers(), StorageErrorCode.Unavailable)
        await storage.close() // closing twice is harmless
      })
    })
  })
}
