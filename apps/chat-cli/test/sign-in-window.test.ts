/**
 * The gateway closes a connection that has not signed in within its window (4004). A person still
 * typing their name or password must not lose the sign-in to it: the client opens a new connection
 * for the next sign-in request. Against the real gateway.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { ChatClient, type ClientEvent } from '../src/client.js'
import { PASSWORD, RealGateway } from './helpers/gateway.js'

let gateway: RealGateway
let client: ChatClient
const events: ClientEvent[] = []

beforeEach(async () => {
  gateway = await RealGateway.start({ signInTimeoutSeconds: 1 })
  await gateway.register('hans')
  client = new ChatClient({ url: gateway.url, ca: gateway.certs.ca })
  client.on((event) => events.push(event))
})

afterEach(async () => {
  client.close()
  await gateway.close()
})

it('signs in on a new connection after the gateway closed an idle one before sign-in', async () => {
  await client.connect()
  await expect
    .poll(() => events.some((e) => e.type === 'disconnected' && e.code === 4004), { timeout: 5000 })
    .toBe(true)
  expect(client.state).toBe('signing-in')
  expect(await client.lookup('hans')).toMatchObject({ type: 'lookup', exists: true })
  expect(await client.login('hans', PASSWORD)).toMatchObject({ type: 'welcome', username: 'hans' })
  expect(client.state).toBe('joined')
})
