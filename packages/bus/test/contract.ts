/**
 * The behaviour every Bus must have, run against the in-process bus and against Redis. `open(prefix)`
 * returns a bus sharing a transport with the others it opened (one hub, or one Redis server), so two
 * buses from it behave like two processes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type Bus, type BusLogger, BusUnavailableError } from '../src/index.js'
import { inbox, recordingLogger, uniquePrefix } from './helpers.js'

export interface BusFactory {
  open(prefix: string, logger?: BusLogger): Promise<Bus>
}

export function describeBusContract(name: string, factory: BusFactory): void {
  describe(`${name}: Bus contract`, () => {
    const opened: Bus[] = []
    async function open(prefix: string, logger?: BusLogger): Promise<Bus> {
      const bus = await factory.open(prefix, logger)
      opened.push(bus)
      return bus
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()))
    })

    it('round-trips JSON values and gives each handler its own copy', async () => {
      const prefix = uniquePrefix()
      const sender = await open(prefix)
      const receiver = await open(prefix)
      const first = inbox('first')
      const second = inbox('second')
      await receiver.subscribe('json', first.handler)
      await receiver.subscribe('json', second.handler)
      const payloads = [
        { kind: 'deliver', userId: 42, nested: { list: [1, 'two', null, true], empty: {} } },
        'plain text with ünïcödé, emoji 🦜 and "quotes"\nand a newline',
        0,
        -1.5e-7,
        null,
        false,
        [],
      ]
      for (const payload of payloads) await sender.publish('json', payload)
      await first.waitForCount(payloads.length)
      await second.waitForCount(payloads.length)
      expect(first.messages).toEqual(payloads)
      expect(second.messages).toEqual(payloads)
      expect(first.messages[0]).not.toBe(second.messages[0])
      expect(first.messages[0]).not.toBe(payloads[0])
    })

    it('never delivers inside publish()', async () => {
      const prefix = uniquePrefix()
      const bus = await open(prefix)
      let publishing = false
      const seenWhilePublishing: boolean[] = []
      await bus.subscribe('async', () => seenWhilePublishing.push(publishing))
      const box = inbox()
      await bus.subscribe('async', box.handler)
      publishing = true
      const published = bus.publish('async', 1)
      publishing = false
      await published
      await box.waitForCount(1)
      expect(seenWhilePublishing).toEqual([false])
    })

    it('keeps publish order on one channel, for every subscriber', async () => {
      const prefix = uniquePrefix()
      const sender = await open(prefix)
      const receivers = [await open(prefix), await open(prefix)]
      const boxes = [inbox('a'), inbox('b'), inbox('c')]
      await receivers[0]!.subscribe('ordered', boxes[0]!.handler)
      await receivers[0]!.subscribe('ordered', boxes[1]!.handler)
      await receivers[1]!.subscribe('ordered', boxes[2]!.handler)
      const count = 300
      // Not awaited one by one: order must hold for publishes in flight together.
      await Promise.all(Array.from({ length: count }, (_, i) => sender.publish('ordered', { seq: i })))
      const expected = Array.from({ length: count }, (_, i) => ({ seq: i }))
      for (const box of boxes) {
        await box.waitForCount(count)
        expect(box.messages).toEqual(expected)
      }
    })

    it('fans out to every subscriber on every bus, including the publishing one', async () => {
      const prefix = uniquePrefix()
      const buses = [await open(prefix), await open(prefix), await open(prefix)]
      const boxes = buses.map((_, i) => inbox(`bus ${i}`))
      for (const [i, bus] of buses.entries()) await bus.subscribe('fanout', boxes[i]!.handler)
      await buses[1]!.publish('fanout', { hello: 'everyone' })
      for (const box of boxes) {
        await box.waitForCount(1)
        expect(box.messages).toEqual([{ hello: 'everyone' }])
      }
    })

    it('treats each subscribe call as its own subscription, even with the same handler', async () => {
      const prefix = uniquePrefix()
      const bus = await open(prefix)
      const box = inbox()
      const first = await bus.subscribe('twice', box.handler)
      await bus.subscribe('twice', box.handler)
      await bus.publish('twice', 'a')
      await box.waitForCount(2)
      await first()
      await bus.publish('twice', 'b')
      await box.waitForCount(3)
      expect(box.messages).toEqual(['a', 'a', 'b'])
    })

    it('stops delivering to a handler once its unsubscribe resolved, and keeps the others', async () => {
      const prefix = uniquePrefix()
      const sender = await open(prefix)
      const receiver = await open(prefix)
      const leaving = inbox('leaving')
      const staying = inbox('staying')
      const unsubscribe = await receiver.subscribe('unsub', leaving.handler)
      await receiver.subscribe('unsub', staying.handler)
      await sender.publish('unsub', 1)
      await leaving.waitForCount(1)
      await staying.waitForCount(1)
      await unsubscribe()
      await unsubscribe() // twice is harmless
      await sender.publish('unsub', 2)
      await sender.publish('unsub', 3)
      // Both handlers hear one connection in order: once `staying` has 3, `leaving` would have had 2.
      await staying.waitForCount(3)
      expect(leaving.messages).toEqual([1])
      expect(staying.messages).toEqual([1, 2, 3])
    })

    it('keeps channels apart', async () => {
      const prefix = uniquePrefix()
      const bus = await open(prefix)
      const a = inbox('a')
      const b = inbox('b')
      await bus.subscribe('channel-a', a.handler)
      await bus.subscribe('channel-b', b.handler)
      await bus.publish('channel-a', 'for a')
      await bus.publish('channel-b', 'for b')
      await a.waitForCount(1)
      await b.waitForCount(1)
      expect(a.messages).toEqual(['for a'])
      expect(b.messages).toEqual(['for b'])
    })

    it('keeps prefixes apart on one transport (no cross-talk between deployments or test runs)', async () => {
      const one = await open(uniquePrefix())
      const other = await open(uniquePrefix())
      const heardByOne = inbox('one')
      const heardByOther = inbox('other')
      await one.subscribe('shared-name', heardByOne.handler)
      await other.subscribe('shared-name', heardByOther.handler)
      await one.publish('shared-name', 'from one')
      await other.publish('shared-name', 'from other')
      await heardByOne.waitForCount(1)
      await heardByOther.waitForCount(1)
      expect(heardByOne.messages).toEqual(['from one'])
      expect(heardByOther.messages).toEqual(['from other'])
    })

    it('only delivers messages published after subscribe resolved', async () => {
      const prefix = uniquePrefix()
      const sender = await open(prefix)
      const receiver = await open(prefix)
      const early = inbox('early')
      await receiver.subscribe('late', early.handler)
      await sender.publish('late', 'before')
      const late = inbox('late')
      await receiver.subscribe('late', late.handler)
      await sender.publish('late', 'after')
      await early.waitForCount(2)
      await late.waitForCount(1)
      expect(late.messages).toEqual(['after'])
    })

    it('logs a throwing handler and keeps delivering to it and to the others', async () => {
      const prefix = uniquePrefix()
      const logger = recordingLogger()
      const bus = await open(prefix, logger)
      const calls: unknown[] = []
      await bus.subscribe('throws', (message) => {
        calls.push(message)
        throw new Error('handler broke')
      })
      const box = inbox()
      await bus.subscribe('throws', box.handler)
      await bus.publish('throws', 1)
      await bus.publish('throws', 2)
      await box.waitForCount(2)
      expect(calls).toEqual([1, 2])
      const errors = logger.entries.filter((entry) => entry.level === 'error')
      expect(errors.map((entry) => entry.message)).toEqual(['bus handler failed', 'bus handler failed'])
      expect(errors[0]!.object).toMatchObject({ channel: 'throws', err: { message: 'handler broke' } })
    })

    it('rejects what JSON cannot carry and bad channel names, with a TypeError', async () => {
      const bus = await open(uniquePrefix())
      await expect(bus.publish('x', undefined)).rejects.toThrow(TypeError)
      await expect(bus.publish('x', () => 1)).rejects.toThrow(/not JSON-serialisable/)
      await expect(bus.publish('x', 10n)).rejects.toThrow(/not JSON-serialisable/)
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      await expect(bus.publish('x', cycle)).rejects.toThrow(/not JSON-serialisable/)
      await expect(bus.publish('', 1)).rejects.toThrow(/bus channel/)
      await expect(bus.publish('has space', 1)).rejects.toThrow(/bus channel/)
      await expect(bus.subscribe('*', () => {})).rejects.toThrow(/bus channel/)
      await expect(bus.subscribe('x'.repeat(201), () => {})).rejects.toThrow(/bus channel/)
    })

    it('is healthy while open; after close() it is not, and publish/subscribe reject', async () => {
      const prefix = uniquePrefix()
      const bus = await open(prefix)
      const other = await open(prefix)
      const box = inbox()
      await bus.subscribe('closing', box.handler)
      expect(bus.healthy).toBe(true)
      await bus.close()
      await bus.close() // idempotent
      expect(bus.healthy).toBe(false)
      await expect(bus.publish('closing', 1)).rejects.toBeInstanceOf(BusUnavailableError)
      await expect(bus.publish('closing', 1)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', reason: 'closed' })
      await expect(bus.subscribe('closing', () => {})).rejects.toBeInstanceOf(BusUnavailableError)
      // Its subscriptions ended: a message from another bus reaches a fresh listener but not the closed one.
      const witness = inbox('witness')
      await other.subscribe('closing', witness.handler)
      await other.publish('closing', 'after close')
      await witness.waitForCount(1)
      expect(box.messages).toEqual([])
    })
  })
}
