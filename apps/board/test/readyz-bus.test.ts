/**
 * /readyz reports the bus like the gateway's /healthz: a Redis outage degrades the board but leaves
 * it ready (200), since every instance shares one Redis and failing on it would empty the whole pool.
 */
import { type Bus, openBus } from '@parley/bus'
import { startTcpRelay, type TcpRelay } from '@parley/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestBoard, type TestBoard } from './support.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let relay: TcpRelay | undefined
let bus: Bus | undefined
let board: TestBoard | undefined
afterEach(async () => {
  await board?.close()
  relay?.restore()
  await bus?.close()
  await relay?.close()
})

async function readyz() {
  const response = await board!.app.inject({ method: 'GET', url: '/readyz' })
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> }
}

describe('/readyz and the bus', () => {
  it('says the bus is ok, then unavailable while Redis is cut (still 200), then ok again', async () => {
    relay = await startTcpRelay(redisUrl, 6379)
    bus = await openBus({ redisUrl: relay.url, prefix: `parley-test:readyz-${process.pid}-${Date.now()}:` })
    board = await createTestBoard({ bus })
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ok', bus: 'ok' } })
    relay.cut()
    await expect.poll(async () => (await readyz()).body.bus, { timeout: 15_000 }).toBe('unavailable')
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ok', bus: 'unavailable' } })
    relay.restore()
    await expect.poll(async () => (await readyz()).body.bus, { timeout: 15_000 }).toBe('ok')
  })

  it('keeps reporting the bus when storage is the problem (503)', async () => {
    relay = await startTcpRelay(redisUrl, 6379)
    bus = await openBus({ redisUrl: relay.url, prefix: `parley-test:readyz-${process.pid}-${Date.now()}:` })
    board = await createTestBoard({ bus })
    await board.storage.close()
    expect(await readyz()).toEqual({
      status: 503,
      body: { status: 'unavailable', reason: 'storage unreachable', bus: 'ok' },
    })
  })
})
