/**
 * plugins/security-headers.ts sets helmet's headers from a list computed once. These tests hold the
 * board's responses to what `@fastify/helmet`, registered the usual way (helmet run per request) with
 * the same options, sends: same names, same values, on pages, static files, errors and 404s.
 */
import helmet from '@fastify/helmet'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmetOptions } from '../src/plugins/security-headers.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client
let expected: Record<string, string>

/** Headers a per-request helmet sends, minus the ones every response has. */
async function helmetPerRequest(connectOrigins: readonly string[]): Promise<Record<string, string>> {
  const reference = Fastify()
  await reference.register(helmet, helmetOptions(connectOrigins))
  reference.get('/', async () => 'x')
  const response = await reference.inject({ method: 'GET', url: '/' })
  await reference.close()
  const {
    'content-type': _type,
    'content-length': _length,
    date: _date,
    connection: _connection,
    ...rest
  } = response.headers
  return Object.fromEntries(Object.entries(rest).map(([name, value]) => [name, String(value)]))
}

beforeAll(async () => {
  board = await createTestBoard()
  alice = new Client(board.app)
  await alice.register('alice', 'alice password')
  expected = await helmetPerRequest(board.config.chatGatewayOrigins)
})
afterAll(async () => {
  await board?.close()
})

describe('security headers computed once', () => {
  it('are the ones helmet sends per request, CSP and HSTS included', () => {
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'x-frame-options']),
    )
  })

  it('are on every kind of response, with helmet’s exact values', async () => {
    const responses = [
      await alice.get('/'),
      await alice.get('/static/board.css'),
      await alice.get('/nope'),
      await alice.post('/posts', { body: 'no token' }),
      await new Client(board.app).get('/events'),
    ]
    for (const response of responses) {
      for (const [name, value] of Object.entries(expected)) {
        expect(response.headers[name], `${name} on ${response.statusCode}`).toBe(value)
      }
    }
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 404, 403, 401])
  })
})
