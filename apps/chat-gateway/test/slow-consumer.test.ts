/**
 * The slow-consumer check cuts stalled readers, never healthy ones in a burst: 10 users each
 * broadcasting 55 messages of 2,000 characters at once, all reading as fast as they can, all stay
 * connected and get everything. On loopback the kernel's socket buffers take much of the burst, so
 * the test uses a 256 KiB bound, where the old check (cut as soon as a send passes the bound) cut
 * healthy readers here (issue 14 reports it at the default 1 MiB). A
 * reader that stops reading is still cut. Real TLS sockets.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SlowConsumerCheck } from '../src/slow-consumer.js'
import type { TestClient } from './helpers/client.js'
import { Harness } from './helpers/harness.js'

vi.setConfig({ testTimeout: 120_000 })

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

const TEXT = 'z'.repeat(2000)

describe('slow consumers', () => {
  it('does not cut healthy readers during a burst over the bound', async () => {
    h = await Harness.start({ config: { maxBufferedBytes: 256 * 1024, heartbeatMs: 60_000 } })
    const names = Array.from({ length: 10 }, (_, i) => `user${i}`)
    const clients: TestClient[] = []
    for (const name of names) clients.push(await h.loginAs(name))
    // Everyone at once: 550 broadcasts to each of the 10 readers.
    for (const client of clients) for (let i = 0; i < 55; i++) client.send({ type: 'broadcast', text: TEXT })
    await expect
      .poll(() => clients.map((client) => client.ofType('broadcast').length), { timeout: 30_000, interval: 100 })
      .toEqual(clients.map(() => 9 * 55))
    expect(clients.every((client) => client.isOpen)).toBe(true)
    expect(h.logLines.some((line) => line.includes('slow consumer cut off'))).toBe(false)
  })

  it('still cuts a reader that stopped reading, while the others go on', async () => {
    // No heartbeat during the test: a paused client also misses pings and would be dropped for that.
    h = await Harness.start({ config: { maxBufferedBytes: 256 * 1024, heartbeatMs: 600_000 } })
    const flooder = await h.loginAs('hans')
    const slow = await h.loginAs('luke')
    await flooder.waitForType('presence', (p) => p.user === 'luke' && p.state === 'online')
    slow.ws.pause()
    let cutOff = false
    void flooder
      .waitForType('presence', (p) => p.user === 'luke' && p.state === 'offline', { timeoutMs: 100_000 })
      .then(() => {
        cutOff = true
      })
    // The kernel's socket buffers take megabytes first; then the gateway's own buffer grows until
    // the ceiling or a heartbeat cuts the stalled reader.
    for (let sent = 0; !cutOff && sent < 50_000; sent += 50) {
      for (let i = 0; i < 50; i++) flooder.send({ type: 'broadcast', text: TEXT })
      await flooder.request({ type: 'whoelse' })
    }
    expect(cutOff).toBe(true)
    expect(h.logLines.some((line) => line.includes('slow consumer cut off'))).toBe(true)
    expect(flooder.isOpen).toBe(true)
  })
})

describe('SlowConsumerCheck', () => {
  it('cuts at a heartbeat only after two over the bound without draining, and at once past 4x', () => {
    const check = new SlowConsumerCheck(100)
    expect(check.onSend(150)).toBe(false)
    expect(check.atHeartbeat(150)).toBe(false) // first time over
    expect(check.atHeartbeat(120)).toBe(false) // draining
    expect(check.atHeartbeat(120)).toBe(true) // stuck over the bound
    const fresh = new SlowConsumerCheck(100)
    expect(fresh.atHeartbeat(90)).toBe(false)
    expect(fresh.atHeartbeat(150)).toBe(false)
    expect(fresh.onSend(401)).toBe(true)
  })
})
