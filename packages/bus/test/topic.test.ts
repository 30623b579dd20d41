import { afterEach, describe, expect, it } from 'vitest'
import { type Bus, createMemoryBus, createMemoryHub, openTopic, type Topic } from '../src/index.js'
import { recordingLogger, uniquePrefix, waitFor } from './helpers.js'
import { openTestRedisBus } from './redis-env.js'

type Event = { type: 'created'; id: number } | { type: 'deleted'; id: number }
function decodeEvent(message: unknown): Event | null {
  const value = message as Partial<Event> | null
  return value !== null &&
    typeof value === 'object' &&
    (value.type === 'created' || value.type === 'deleted') &&
    Number.isInteger(value.id)
    ? (value as Event)
    : null
}

const transports: [string, (prefix: string) => Promise<[Bus, Bus]>][] = [
  [
    'in-process',
    async (prefix) => {
      const hub = createMemoryHub()
      return [createMemoryBus({ hub, prefix }), createMemoryBus({ hub, prefix })]
    },
  ],
  ['Redis', async (prefix) => [await openTestRedisBus(prefix), await openTestRedisBus(prefix)]],
]

for (const [name, openPair] of transports) {
  describe(`openTopic over the ${name} bus`, () => {
    const buses: Bus[] = []
    const topics: Topic<Event>[] = []
    afterEach(async () => {
      await Promise.all(topics.splice(0).map((topic) => topic.close()))
      await Promise.all(buses.splice(0).map((bus) => bus.close()))
    })

    async function twoInstances(logger = recordingLogger()) {
      const pair = await openPair(uniquePrefix())
      buses.push(...pair)
      const [a, b] = await Promise.all(
        pair.map((bus) => openTopic(bus, 'board:posts', { decode: decodeEvent, logger })),
      )
      topics.push(a!, b!)
      return { a: a!, b: b!, logger, buses: pair }
    }

    it('fans each event out to every local listener of every instance, in order', async () => {
      const { a, b } = await twoInstances()
      const seen: Record<string, Event[]> = { a1: [], a2: [], b1: [] }
      a.subscribe((event) => seen.a1!.push(event))
      a.subscribe((event) => seen.a2!.push(event))
      b.subscribe((event) => seen.b1!.push(event))
      const events: Event[] = Array.from({ length: 50 }, (_, i) => ({ type: i % 2 ? 'deleted' : 'created', id: i + 1 }))
      await Promise.all(events.map((event) => b.publish(event)))
      await waitFor(() => Object.values(seen).every((list) => list.length === 50), 'every listener to get 50 events')
      expect(seen).toEqual({ a1: events, a2: events, b1: events })
    })

    it('drops and logs messages its decoder refuses, and keeps going', async () => {
      const { a, logger, buses } = await twoInstances()
      const seen: Event[] = []
      a.subscribe((event) => seen.push(event))
      await buses[1]!.publish('board:posts', { type: 'created', id: 'not a number' })
      await buses[1]!.publish('board:posts', { type: 'created', id: 7 })
      await waitFor(() => seen.length === 1, 'the valid event')
      expect(seen).toEqual([{ type: 'created', id: 7 }])
      expect(logger.entries).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'bus event failed its schema: dropped' }),
      )
    })

    it('removes one listener, isolates a throwing one, and leaves the channel on close', async () => {
      const { a, b, logger } = await twoInstances()
      const kept: Event[] = []
      const removed: Event[] = []
      a.subscribe(() => {
        throw new Error('listener broke')
      })
      const remove = a.subscribe((event) => removed.push(event))
      a.subscribe((event) => kept.push(event))
      remove()
      await b.publish({ type: 'created', id: 1 })
      await waitFor(() => kept.length === 1, 'the kept listener')
      expect(removed).toEqual([])
      expect(logger.entries.filter((entry) => entry.message === 'topic listener failed')).toHaveLength(1)

      await a.close()
      await a.close()
      const witness: Event[] = []
      b.subscribe((event) => witness.push(event))
      await b.publish({ type: 'deleted', id: 1 })
      await waitFor(() => witness.length === 1, 'the witness on the other instance')
      expect(kept).toEqual([{ type: 'created', id: 1 }])
    })
  })
}
