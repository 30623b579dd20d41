import { describe, expect, it } from 'vitest'
import { createLocalPostEvents, decodePostEvent, type PostEvent } from '../src/events/post-events.js'
import { formatSse } from '../src/routes/events.js'

const created: PostEvent = {
  type: 'created',
  post: { id: 7, authorId: 1, authorName: 'alice', body: 'two\nlines', createdAt: 1, updatedAt: null },
}

describe('local post events', () => {
  it('delivers to every subscriber until it unsubscribes', async () => {
    const events = createLocalPostEvents()
    const first: PostEvent[] = []
    const second: PostEvent[] = []
    const stopFirst = events.subscribe((event) => first.push(event))
    events.subscribe((event) => second.push(event))
    await events.publish(created)
    stopFirst()
    await events.publish({ type: 'deleted', id: 7 })
    expect(first).toEqual([created])
    expect(second).toEqual([created, { type: 'deleted', id: 7 }])
    await events.close()
  })
})

describe('decodePostEvent', () => {
  it('accepts valid events and refuses anything else', () => {
    expect(decodePostEvent(JSON.stringify(created))).toEqual(created)
    expect(decodePostEvent('{"type":"deleted","id":3}')).toEqual({ type: 'deleted', id: 3 })
    for (const text of [
      '',
      'not json',
      '{"type":"deleted","id":0}',
      '{"type":"created","post":{}}',
      '{"type":"boom"}',
    ]) {
      expect(decodePostEvent(text), text).toBeNull()
    }
  })
})

describe('formatSse', () => {
  it('writes one event per message with the body rendered, newlines in posts staying inside the JSON', () => {
    const withHtml = { ...created, post: { ...created.post, bodyHtml: '<p>two<br />\nlines</p>' } }
    expect(formatSse(created)).toBe(`event: created\ndata: ${JSON.stringify(withHtml)}\n\n`)
    expect(formatSse({ type: 'deleted', id: 7 })).toBe('event: deleted\ndata: {"type":"deleted","id":7}\n\n')
    expect(
      formatSse(created)
        .split('\n')
        .filter((line) => line.startsWith('data:')),
    ).toHaveLength(1)
  })
})
