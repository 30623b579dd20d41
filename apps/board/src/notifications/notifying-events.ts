/**
 * The hook between posting and notifying: the post events handed to the post routes, where each new
 * post (`created`), reply (`replied`) or edit (`updated`) first notifies whom it concerns, then goes
 * out as before. Only the board that took the request publishes, so each post is looked at once; an
 * edit that names someone new notifies them, while those already notified are not notified again
 * (the store keeps one notification per person and post). A failure to notify is logged inside
 * the notifier and never stops the event.
 * @module
 */
import type { FastifyBaseLogger } from 'fastify'
import type { PostEvents } from '../events/post-events.js'
import type { Notifier } from './notify.js'

export function notifyingPostEvents(events: PostEvents, notifier: Notifier, log: FastifyBaseLogger): PostEvents {
  return {
    async publish(event) {
      if (event.type === 'created' || event.type === 'replied' || event.type === 'updated') {
        const { post } = event
        if (post.authorId !== null && post.authorName !== null) {
          await notifier.afterPost(
            { id: post.id, parentId: post.parentId ?? null, body: post.body },
            { id: post.authorId, username: post.authorName },
            log,
          )
        }
      }
      await events.publish(event)
    },
    subscribe: (listener) => events.subscribe(listener),
    close: () => events.close(),
  }
}
