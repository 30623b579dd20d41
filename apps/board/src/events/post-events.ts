/**
 * Live board updates: route handlers publish what changed, SSE streams subscribe. The interface is
 * transport-neutral so a multi-process deployment can swap the in-process emitter for a Redis one;
 * events are plain JSON described by a TypeBox schema, so a bus that carries them as text can
 * validate what it receives with `decodePostEvent`.
 * @module
 */
import { EventEmitter } from 'node:events'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

export const PostSnapshot = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  /** Null when the author's account was deleted. */
  authorId: Type.Union([Type.Integer(), Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  createdAt: Type.Number(),
  updatedAt: Type.Union([Type.Number(), Type.Null()]),
})
export type PostSnapshot = Static<typeof PostSnapshot>

export const PostEvent = Type.Union([
  Type.Object({ type: Type.Literal('created'), post: PostSnapshot }),
  Type.Object({ type: Type.Literal('updated'), post: PostSnapshot }),
  Type.Object({ type: Type.Literal('deleted'), id: Type.Integer({ minimum: 1 }) }),
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
