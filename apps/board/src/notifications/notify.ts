/**
 * Who a new post or reply notifies, after it is stored: the author of the post a reply answers
 * (`reply`), then everyone it mentions by name (`mention`), each person once. The store applies the
 * rules (not oneself, not if they block the author, not for an event they turned off), so this only
 * finds the people and announces what was stored on the bus. A failure here is logged and never
 * undoes or fails the post.
 * @module
 */
import { usernameKeyOf } from '@parley/auth'
import type { NotificationKind } from '@parley/protocol'
import type { NotificationRow, PostRow, Storage } from '@parley/storage'
import type { FastifyBaseLogger } from 'fastify'
import type { NotificationEvents } from '../events/notification-events.js'
import { mentionedNames } from '../render/mentions.js'
import { renderRichText } from '../render/rich-text.js'
import { excerptOf } from './excerpt.js'

export interface Author {
  id: number
  username: string
}

/** What a post or reply needs to notify: its id, the post it answers (null: top-level) and its text. */
export type NotifiablePost = Pick<PostRow, 'id' | 'parentId' | 'body'>

export interface Notifier {
  /** Notifies for a post or reply just stored; resolves with what was stored (never rejects). */
  afterPost(post: NotifiablePost, author: Author, log: FastifyBaseLogger): Promise<NotificationRow[]>
  /** Marks the user's notifications read (up to `upToId`) and tells their open pages. Returns how many. */
  markAllRead(userId: number, upToId: number | undefined, log: FastifyBaseLogger): Promise<number>
}

export interface NotifierOptions {
  storage: Storage
  events: NotificationEvents
  now: () => number
}

export function createNotifier({ storage, events, now }: NotifierOptions): Notifier {
  async function recipientsOf(post: NotifiablePost): Promise<{ userId: number; kind: NotificationKind }[]> {
    const recipients: { userId: number; kind: NotificationKind }[] = []
    if (post.parentId !== null) {
      const parent = await storage.posts.getPost(post.parentId)
      if (parent?.authorId) recipients.push({ userId: parent.authorId, kind: 'reply' })
    }
    for (const name of mentionedNames(renderRichText(post.body))) {
      const user = await storage.users.getUserByKey(usernameKeyOf(name.normalize('NFC')))
      if (user) recipients.push({ userId: user.id, kind: 'mention' })
    }
    return recipients
  }

  async function announce(row: NotificationRow, author: Author, log: FastifyBaseLogger): Promise<void> {
    try {
      const unread = await storage.notifications.countUnread(row.recipientId)
      await events.publish({
        type: 'created',
        recipientId: row.recipientId,
        notification: {
          type: 'notification',
          kind: row.kind,
          from: author.username,
          excerpt: row.excerpt,
          postId: row.postId,
          threadId: row.threadId,
          at: row.createdAt,
          unread,
        },
      })
    } catch (error) {
      log.warn({ err: error, notificationId: row.id }, 'notification not announced live: it is stored')
    }
  }

  return {
    async afterPost(post, author, log) {
      const stored: NotificationRow[] = []
      try {
        const excerpt = excerptOf(post.body)
        const notified = new Set<number>()
        for (const { userId, kind } of await recipientsOf(post)) {
          // Once per person and post: a reply that also names the post's author is one notification.
          if (notified.has(userId)) continue
          const row = await storage.notifications.create({
            recipientId: userId,
            kind,
            actorId: author.id,
            postId: post.id,
            excerpt,
            createdAt: now(),
          })
          if (!row) continue
          notified.add(userId)
          stored.push(row)
        }
      } catch (error) {
        log.error({ err: error, postId: post.id }, 'notifications for a post failed: the post is saved')
      }
      for (const row of stored) await announce(row, author, log)
      if (stored.length > 0) log.info({ postId: post.id, notified: stored.length }, 'notifications stored')
      return stored
    },
    async markAllRead(userId, upToId, log) {
      const changed = await storage.notifications.markAllRead(userId, now(), upToId)
      try {
        const unread = await storage.notifications.countUnread(userId)
        await events.publish({ type: 'read', recipientId: userId, unread })
      } catch (error) {
        log.warn({ err: error }, 'unread count not announced live')
      }
      return changed
    },
  }
}
