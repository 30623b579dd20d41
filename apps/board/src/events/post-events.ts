/**
 * Live board updates: route handlers publish what changed, SSE streams subscribe. The interface is
 * transport-neutral: one board process can use the in-process emitter, several use the bus
 * (`openBusPostEvents`, Redis when REDIS_URL is set), so a post made on one board reaches the
 * viewers of every board. Events are plain JSON described by a TypeBox schema, and what arrives
 * from the bus is checked against it (`decodePostEventMessage`).
 * @module
 */
import { EventEmitter } from 'node:events'
import { type Bus, type BusLogger, openTopic } from '@parley/bus'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

/** A picture, clip or sound shown in the post (storage's PostAttachmentRow without the post id). */
export const AttachmentSnapshot = Type.Object({
  mediaName: Type.String({ minLength: 1 }),
  kind: Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('audio')]),
  alt: Type.String(),
  width: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  height: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
})

export const PostSnapshot = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  /** Null when the author's account was deleted. */
  authorId: Type.Union([Type.Integer(), Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  createdAt: Type.Number(),
  updatedAt: Type.Union([Type.Number(), Type.Null()]),
  /** Sent with `created` when the post shows a media file; absent otherwise. */
  attachment: Type.Optional(AttachmentSnapshot),
  /** A reply's post (absent or null for a top-level post). */
  parentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  /** The reply a reply quotes, with its author and text as they were when this reply was made. */
  quote: Type.Optional(
    Type.Object({
      id: Type.Integer({ minimum: 1 }),
      authorName: Type.Union([Type.String(), Type.Null()]),
      body: Type.String(),
    }),
  ),
})
export type PostSnapshot = Static<typeof PostSnapshot>

/** A top-level post's reply count and latest activity after a reply came or went (the board shows both). */
export const ThreadSnapshot = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  replyCount: Type.Integer({ minimum: 0 }),
  lastActivityAt: Type.Number(),
})
export type ThreadSnapshot = Static<typeof ThreadSnapshot>

export const PostEvent = Type.Union([
  Type.Object({ type: Type.Literal('created'), post: PostSnapshot }),
  Type.Object({ type: Type.Literal('updated'), post: PostSnapshot }),
  /**
   * A post or reply went. `thread`: the counts of the reply's post after it (absent for a top-level post);
   * `placeholder`: the post had replies, so it stays as a "deleted post" above them.
   */
  Type.Object({
    type: Type.Literal('deleted'),
    id: Type.Integer({ minimum: 1 }),
    thread: Type.Optional(ThreadSnapshot),
    placeholder: Type.Optional(Type.Boolean()),
  }),
  /** A new reply (`post`, with `parentId`) and its post's counts after it: post pages append it, the board counts it. */
  Type.Object({ type: Type.Literal('replied'), post: PostSnapshot, thread: ThreadSnapshot }),
])
export type PostEvent = Static<typeof PostEvent>

export type PostEventListener = (event: PostEvent) => void

export interface PostEvents {
  /** Delivers the event to every subscriber (of every process, for a shared bus). */
  publish(event: PostEvent): Promise<void>
  /** Returns the function that unsubscribes. */
  subscribe(listener: PostEventListener): () => void
  close(): Promise<void>
}

const postEvent = Compile(PostEvent)

/** The bus channel (before the deployment's prefix) carrying post events between boards. */
export const POST_EVENTS_CHANNEL = 'board:posts'

/** The event when `message` (parsed JSON, e.g. from the bus) is a valid one, else null. */
export function decodePostEventMessage(message: unknown): PostEvent | null {
  return postEvent.Check(message) ? message : null
}

/**
 * Post events over a bus: one subscription per board process, fanned out to its SSE streams.
 * `publish` rejects while the bus is down (Redis unreachable): the post is saved already, so
 * callers log that and carry on; viewers of other boards see the post at their next page load.
 */
export async function openBusPostEvents(bus: Bus, logger?: BusLogger): Promise<PostEvents> {
  return openTopic(bus, POST_EVENTS_CHANNEL, { decode: decodePostEventMessage, ...(logger ? { logger } : {}) })
}

/** Parses one event received as JSON text; null when it is not a valid event. */
export function decodePostEvent(text: string): PostEvent | null {
  try {
    const value: unknown = JSON.parse(text)
    return postEvent.Check(value) ? value : null
  } catch {
    return null
  }
}

/** Events within this process only: enough for one board process. */
export function createLocalPostEvents(): PostEvents {
  const emitter = new EventEmitter()
  // One listener per open SSE stream: the default limit of 10 is not a leak signal here.
  emitter.setMaxListeners(0)
  return {
    async publish(event) {
      emitter.emit('event', event)
    },
    subscribe(listener) {
      emitter.on('event', listener)
      return () => emitter.off('event', listener)
    },
    async close() {
      emitter.removeAllListeners()
    },
  }
}
