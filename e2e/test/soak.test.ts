/**
 * Load held: 1,000 concurrent authenticated WebSockets (real TLS) on a real gateway in its own
 * process, kept busy for a bounded soak with direct messages and broadcasts. They are 250 accounts
 * with 4 browser-tab connections each (board session cookie from an allowed Origin): each user's
 * first connection is announced to every socket online, so 1,000 distinct users would spend most
 * of the run on the 500,000 presence frames of signing in rather than on the soak. Every socket stays connected, every message is delivered exactly once, and the
 * gateway's memory measured after forced garbage collection (`--expose-gc`) at the start and end
 * of the soak stays within a generous bound: steady, not growing with the traffic. No timing
 * thresholds: the load is paced by timers, the checks wait for conditions.
 */
import { randomInt } from 'node:crypto'
import { once } from 'node:events'
import { join } from 'node:path'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage } from '@parley/storage'
import { afterAll, expect, it } from 'vitest'
import type { HostSettings, MemorySample } from '../src/gateway-host.js'
import { LeanClient } from '../src/lean-client.js'
import { NodeChild } from '../src/node-child.js'
import { seedUsers } from '../src/seed.js'
import { gatewayTestConfig } from '../src/site.js'
import { type TempDir, tempDir } from '../src/temp.js'
import { until } from '../src/wait.js'

const USERS = 250
const TABS = 4
const CLIENTS = USERS * TABS
const ORIGIN = 'https://localhost:8181'
const WARM_UP_MS = 3_000
const SOAK_MS = 24_000
const SAMPLE_EVERY_MS = 4_000
const TICK_MS = 250
const MESSAGES_PER_TICK = 20
const BROADCAST_EVERY_TICKS = 8
const MIB = 1024 * 1024

let dir: TempDir | undefined
let host: NodeChild | undefined
const clients: LeanClient[] = []

afterAll(async () => {
  for (const client of clients) client.terminate()
  host?.kill('SIGKILL')
  if (host) await host.exited
  await dir?.remove()
})

async function memory(): Promise<MemorySample> {
  const child = host!.process
  const reply = once(child, 'message') as Promise<[{ type: string; sample: MemorySample }]>
  child.send({ type: 'memory' })
  const [message] = await reply
  return message.sample
}

it(`holds ${CLIENTS} authenticated sockets through a soak with steady memory and exactly-once delivery`, async () => {
  dir = await tempDir('soak')
  const certs = await ensureCerts(join(dir.path, 'certs'))
  const dbPath = join(dir.path, 'parley.db')
  const names = Array.from({ length: USERS }, (_, i) => `s${String(i).padStart(4, '0')}`)
  const seeding = await openSqliteStorage(dbPath)
  const users = await seedUsers(seeding, names, 'correct horse battery')
  await seeding.close()

  const settings: HostSettings = {
    dbPath,
    certsDir: join(dir.path, 'certs'),
    config: gatewayTestConfig({
      heartbeatMs: 5_000,
      instanceId: 'e2e-soak',
      maxBufferedBytes: 4 * MIB,
      allowedOrigins: [ORIGIN],
    }),
  }
  host = await NodeChild.start('src/gateway-host.ts', {
    cwd: join(import.meta.dirname, '..'),
    env: {},
    args: [JSON.stringify(settings)],
    nodeArgs: ['--expose-gc'],
    ipc: true,
    ready: (entry) => entry.msg === 'host ready',
  })
  const port = Number(host.logs.find((entry) => entry.msg === 'host ready')!.port)
  const url = `wss://127.0.0.1:${port}/`

  // Connect and sign in, 50 sockets at a time; socket i is tab (i / USERS) of user (i % USERS).
  const userOf = (socket: number) => socket % USERS
  for (let start = 0; start < CLIENTS; start += 50) {
    const indexes = Array.from({ length: 50 }, (_, n) => start + n)
    const batch = await Promise.all(
      indexes.map((i) =>
        LeanClient.connect(url, certs.ca, { origin: ORIGIN, cookie: `__Host-parley=${users[userOf(i)]!.token}` }),
      ),
    )
    const replies = await Promise.all(batch.map((client) => client.request({ type: 'resume', v: 1 })))
    expect(replies.filter((reply) => reply.type !== 'welcome')).toEqual([])
    clients.push(...batch)
  }
  expect((await memory()).connections).toBe(CLIENTS)

  // The load: direct messages between random pairs, and now and then a broadcast.
  let sequence = 0
  const expected = new Map<string, number>() // text → recipient index
  const inFlight = new Set<Promise<void>>()
  let failures: string[] = []
  const tick = (count: number) => {
    for (let n = 0; n < MESSAGES_PER_TICK; n++) {
      const from = randomInt(CLIENTS)
      let to = randomInt(USERS - 1)
      if (to >= userOf(from)) to += 1
      const text = `soak ${++sequence}`
      expected.set(text, to)
      const sent = clients[from]!.request({ type: 'message', to: names[to], text }).then((reply) => {
        if (reply.type !== 'ack') failures.push(`${text}: ${JSON.stringify(reply)}`)
      })
      inFlight.add(sent)
      void sent.finally(() => inFlight.delete(sent))
    }
    if (count % BROADCAST_EVERY_TICKS === 0) {
      const sent = clients[randomInt(CLIENTS)]!.request({ type: 'broadcast', text: `all ${count}` }).then((reply) => {
        if (reply.type !== 'ack') failures.push(`broadcast ${count}: ${JSON.stringify(reply)}`)
      })
      inFlight.add(sent)
      void sent.finally(() => inFlight.delete(sent))
    }
  }
  const run = async (durationMs: number, onSample?: () => Promise<void>) => {
    const end = Date.now() + durationMs
    let count = 0
    let nextSample = Date.now() + SAMPLE_EVERY_MS
    while (Date.now() < end) {
      tick(++count)
      await new Promise((resolve) => setTimeout(resolve, TICK_MS))
      if (onSample && Date.now() >= nextSample) {
        nextSample += SAMPLE_EVERY_MS
        await onSample()
      }
    }
    await Promise.all([...inFlight])
  }

  await run(WARM_UP_MS)
  const samples: MemorySample[] = [await memory()]
  await run(SOAK_MS, async () => {
    samples.push(await memory())
  })
  // Every message has reached every tab of its recipient before the last sample.
  const tabsOf = (user: number) => Array.from({ length: TABS }, (_, tab) => clients[tab * USERS + user]!)
  const missing = () => [...expected].filter(([text, to]) => tabsOf(to).some((tab) => !tab.textsReceived.has(text)))
  await until(
    () => missing().length === 0,
    () => `every message delivered; ${missing().length} missing`,
    60_000,
  )
  samples.push(await memory())

  expect(failures).toEqual([])
  failures = []
  // Nobody was dropped: every socket is open on both sides.
  expect(clients.filter((client) => !client.isOpen).map((client) => client.closeCode)).toEqual([])
  expect(samples.every((sample) => sample.connections === CLIENTS)).toBe(true)
  // Exactly once: no message id was pushed twice to the same client.
  const duplicates = clients.flatMap((client) => [...client.received].filter(([, times]) => times > 1))
  expect(duplicates).toEqual([])
  expect(clients.reduce((sum, client) => sum + client.broadcasts, 0)).toBeGreaterThan(CLIENTS)

  // Steady memory: after GC, the end of the soak is within a generous bound of its start.
  const first = samples[0]!
  const last = samples.at(-1)!
  const trace = samples.map((s) => `${(s.heapUsed / MIB).toFixed(1)}/${(s.rss / MIB).toFixed(0)} MiB`).join(', ')
  expect(last.heapUsed, `heap after GC (heap/rss): ${trace}`).toBeLessThan(first.heapUsed * 1.5 + 16 * MIB)
  expect(last.rss, `rss: ${trace}`).toBeLessThan(first.rss * 1.5 + 64 * MIB)
  console.log(`soak: ${sequence} messages, ${CLIENTS} sockets of ${USERS} users; heap/rss after GC: ${trace}`)
}, 300_000)
