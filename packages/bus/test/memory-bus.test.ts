import { describe, expect, it } from 'vitest'
import { createMemoryBus, createMemoryHub } from '../src/index.js'
import { describeBusContract } from './contract.js'
import { inbox } from './helpers.js'

const hub = createMemoryHub()
describeBusContract('in-process bus', {
  async open(prefix, logger) {
    return createMemoryBus({ hub, prefix, ...(logger && { logger }) })
  },
})

describe('in-process bus', () => {
  it('connects only buses that share a hub', async () => {
    const alone = createMemoryBus({ prefix: 'same:' })
    const hubbed = createMemoryBus({ prefix: 'same:', hub: createMemoryHub() })
    const heardAlone = inbox('alone')
    const heardHubbed = inbox('hubbed')
    await alone.subscribe('c', heardAlone.handler)
    await hubbed.subscribe('c', heardHubbed.handler)
    await alone.publish('c', 'mine')
    await hubbed.publish('c', 'theirs')
    await heardAlone.waitForCount(1)
    await heardHubbed.waitForCount(1)
    expect(heardAlone.messages).toEqual(['mine'])
    expect(heardHubbed.messages).toEqual(['theirs'])
    await Promise.all([alone.close(), hubbed.close()])
  })

  it('never reconnects, so onReconnect listeners never run and removing one is harmless', async () => {
    const bus = createMemoryBus()
    let calls = 0
    const remove = bus.onReconnect(() => calls++)
    remove()
    expect(bus.healthy).toBe(true)
    await bus.close()
    expect(calls).toBe(0)
  })

  it('leaves no empty channel behind in the hub after unsubscribe and close', async () => {
    const shared = createMemoryHub()
    const bus = createMemoryBus({ hub: shared })
    const unsubscribe = await bus.subscribe('a', () => {})
    await bus.subscribe('b', () => {})
    expect([...shared.channels.keys()].sort()).toEqual(['parley:a', 'parley:b'])
    await unsubscribe()
    expect([...shared.channels.keys()]).toEqual(['parley:b'])
    await bus.close()
    expect(shared.channels.size).toBe(0)
  })

  it('rejects a prefix with characters outside the channel alphabet', () => {
    expect(() => createMemoryBus({ prefix: 'bad prefix' })).toThrow(/bus prefix/)
  })
})
