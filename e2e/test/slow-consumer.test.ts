/**
 * A slow consumer is cut off while the others keep being served: during a broadcast storm one
 * client stops reading (its TCP window fills, the gateway's send buffer for it grows past
 * `maxBufferedBytes`) and is terminated; ten readers that keep reading get EVERY broadcast, in
 * order, and two of them keep exchanging direct messages throughout. No timing thresholds: the test
 * waits for the cut-off and for the deliveries. (The gateway's own test checks the cut-off and that
 * the flooder is still served: apps/chat-gateway/test/abuse.test.ts.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { LeanClient } from '../src/lean-client.js'
import { type SeededUser, seedUsers } from '../src/seed.js'
import { PASSWORD, type RunningGateway, Site } from '../src/site.js'
import { until } from '../src/wait.js'

const READERS = 10
const TEXT = 'z'.repeat(2000)

let site: Site
let gw: RunningGateway
let users: SeededUser[]
const clients: LeanClient[] = []

beforeAll(async () => {
  site = await Site.open()
  // The gateway's default bound. Bursts stay small (10 broadcasts a round): the bound is checked
  // right after each send, so a large burst alone can push a healthy reader over a small bound.
  gw = await site.startGateway({ maxBufferedBytes: 1024 * 1024 })
  users = await seedUsers(
    site.storage,
    ['flooder', 'slow', ...Array.from({ length: READERS }, (_, i) => `reader${i}`)],
    PASSWORD,
  )
})

afterAll(async () => {
  for (const client of clients) client.terminate()
  await site?.close()
})

async function signIn(user: SeededUser): Promise<LeanClient> {
  const client = await LeanClient.connect(gw.url, site.certs.ca)
  clients.push(client)
  expect(await client.request({ type: 'resume', v: 1, token: user.token })).toMatchObject({ type: 'welcome' })
  return client
}

it('cuts off the consumer that stopped reading; every other reader gets every broadcast and direct messages flow', async () => {
  const [flooder, slow, ...readers] = await Promise.all(users.map((user) => signIn(user)))
  slow!.ws.pause()

  let acked = 0
  let round = 0
  const rounds: Promise<void>[] = []
  // Broadcast in rounds of 10 until the slow client is gone, plus a few rounds after (bounded).
  let roundsAfterCut = 0
  while (roundsAfterCut < 3 && round < 3000) {
    round += 1
    const batch = Array.from({ length: 10 }, () =>
      flooder!.request({ type: 'broadcast', text: TEXT }).then((reply) => {
        if (reply.type === 'ack') acked += 1
      }),
    )
    // Two readers talk to each other meanwhile.
    const talk = readers[0]!
      .request({ type: 'message', to: 'reader1', text: `during round ${round}` })
      .then((reply) => expect(reply).toMatchObject({ type: 'ack' }))
    rounds.push(...batch, talk)
    await Promise.all([...batch, talk])
    if (gw.gateway.connectionCount() === users.length - 1) roundsAfterCut += 1
  }
  await Promise.all(rounds)
  expect(roundsAfterCut, 'the slow consumer was never cut off').toBe(3)
  expect(gw.logs.text()).toContain('slow consumer cut off')

  // Every reader that kept reading got every broadcast, and the direct messages all arrived.
  await until(
    () => readers.every((reader) => reader.broadcasts === acked),
    () => `every reader to get ${acked} broadcasts; got ${readers.map((reader) => reader.broadcasts).join(', ')}`,
    60_000,
  )
  await until(
    () => readers[1]!.textsReceived.size === round,
    () => `reader1 to get ${round} messages, got ${readers[1]!.textsReceived.size}`,
  )
  expect(readers.every((reader) => reader.isOpen)).toBe(true)
  expect(flooder!.isOpen).toBe(true)
  // The slow client's socket is gone on the server side; it sees it once it reads again.
  slow!.ws.resume()
  await until(
    () => !slow!.isOpen,
    () => 'the slow client to see its connection closed',
  )
})
