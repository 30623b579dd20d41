/**
 * Live-update streams are capped per session (issue 14, item 12): over HTTP/2 one connection can
 * open any number, each holding a timer and a periodic session read, so the board refuses more than
 * SSE_MAX_STREAMS_PER_SESSION with 429, counts each session alone, and frees a place when one closes.
 */
import { once } from 'node:events'
import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { ensureCerts } from '@parley/certs'
import { afterEach, describe, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard | undefined
let session: ClientHttp2Session | undefined
afterEach(async () => {
  session?.destroy()
  await board?.close()
})

async function open(
  cookie: string,
): Promise<{ status: number; stream: ClientHttp2Stream; body: () => Promise<string> }> {
  const stream = session!.request({ ':path': '/events', cookie, accept: 'text/event-stream' })
  stream.setEncoding('utf8')
  const [headers] = (await once(stream, 'response')) as [Record<string, unknown>]
  let text = ''
  stream.on('data', (chunk: string) => {
    text += chunk
  })
  const ended = once(stream, 'end')
  return {
    status: Number(headers[':status']),
    stream,
    body: async () => {
      await ended
      return text
    },
  }
}

describe('live-update streams per session', () => {
  it('refuses the stream over the cap with 429, counts sessions apart, and frees a place on close', async () => {
    board = await createTestBoard({ env: { SSE_MAX_STREAMS_PER_SESSION: '3' } })
    const alice = new Client(board.app)
    await alice.register('alice', 'alice password')
    const bob = new Client(board.app)
    await bob.register('bobby', 'bobby password')
    await board.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = board.app.server.address() as AddressInfo
    const { ca } = await ensureCerts(board.config.certsDir)
    session = http2Connect(`https://localhost:${port}`, { ca, host: '127.0.0.1', servername: 'localhost' })
    session.on('error', () => undefined)

    const streams = [
      await open(alice.cookieHeader()),
      await open(alice.cookieHeader()),
      await open(alice.cookieHeader()),
    ]
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200])
    const refused = await open(alice.cookieHeader())
    expect(refused.status).toBe(429)
    expect(JSON.parse(await refused.body())).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: 'At most 3 live-update streams per session: close another tab or reload',
      },
    })
    expect((await open(bob.cookieHeader())).status).toBe(200)

    const closed = streams[0]!.stream
    closed.close()
    await once(closed, 'close')
    await expect
      .poll(async () => {
        const next = await open(alice.cookieHeader())
        if (next.status === 200) next.stream.close()
        return next.status
      })
      .toBe(200)
  })
})
