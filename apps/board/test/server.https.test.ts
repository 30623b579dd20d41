/**
 * The board on a real TLS socket (port 0): HTTP/1.1 and HTTP/2 negotiation, health checks, the SSE
 * stream, and graceful shutdown with requests in flight.
 */
import { once } from 'node:events'
import { type ClientHttp2Session, connect as http2Connect } from 'node:http2'
import { Agent, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { ensureCerts } from '@parley/certs'
import { afterEach, describe, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard | null = null
const sessions: ClientHttp2Session[] = []
const agents: Agent[] = []

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy()
  for (const agent of agents.splice(0)) agent.destroy()
  await board?.close()
  board = null
})

function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

async function start(options: Parameters<typeof createTestBoard>[0] = {}) {
  board = await createTestBoard(options)
  const gate = deferred()
  const entered = [deferred(), deferred()]
  let inFlight = 0
  // A route that stays in flight until the test lets it finish.
  board.app.get('/test/slow', async () => {
    entered[inFlight++]?.resolve()
    await gate.promise
    return { finished: true }
  })
  await board.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = board.app.server.address() as AddressInfo
  const { ca } = await ensureCerts(board.config.certsDir)
  return { board, port, ca, gate, entered }
}

interface Fetched {
  status: number
  headers: Record<string, unknown>
  body: string
  httpVersion: string
}

function fetchHttp1(port: number, ca: Buffer, path: string, agent?: Agent, headers: Record<string, string> = {}) {
  return new Promise<Fetched>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca,
        servername: 'localhost',
        agent,
        headers: { host: `localhost:${port}`, ...headers },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body, httpVersion: res.httpVersion }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function openHttp2(port: number, ca: Buffer): ClientHttp2Session {
  const session = http2Connect(`https://localhost:${port}`, { ca, host: '127.0.0.1', servername: 'localhost' })
  session.on('error', () => undefined)
  sessions.push(session)
  return session
}

function fetchHttp2(session: ClientHttp2Session, path: string, headers: Record<string, string> = {}) {
  return new Promise<Fetched>((resolve, reject) => {
    const stream = session.request({ ':path': path, ...headers })
    let status = 0
    let responseHeaders: Record<string, unknown> = {}
    let body = ''
    stream.setEncoding('utf8')
    stream.on('response', (h) => {
      status = Number(h[':status'])
      responseHeaders = h
    })
    stream.on('data', (chunk: string) => {
      body += chunk
    })
    stream.on('end', () => resolve({ status, headers: responseHeaders, body, httpVersion: '2.0' }))
    stream.on('error', reject)
    stream.end()
  })
}

/** Reads an SSE stream until `predicate` holds for the text received so far. */
function readUntil(stream: NodeJS.ReadableStream, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString()
      if (predicate(text)) {
        stream.off('data', onData)
        resolve(text)
      }
    }
    stream.on('data', onData)
    stream.once('error', reject)
    stream.once('end', () => (predicate(text) ? resolve(text) : reject(new Error(`stream ended: ${text}`))))
  })
}

describe('TLS and protocols', () => {
  it('offers HTTP/2 and HTTP/1.1 by ALPN with a certificate for localhost', async () => {
    const { port, ca } = await start()
    for (const protocol of ['h2', 'http/1.1']) {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost', ALPNProtocols: [protocol] })
      await once(socket, 'secureConnect')
      expect(socket.authorized).toBe(true)
      expect(socket.alpnProtocol).toBe(protocol)
      socket.destroy()
    }
  })

  it('serves /healthz and /readyz over HTTP/1.1 and HTTP/2', async () => {
    const { port, ca } = await start()
    const http1 = await fetchHttp1(port, ca, '/healthz')
    expect(http1.httpVersion).toBe('1.1')
    expect(http1.status).toBe(200)
    expect(JSON.parse(http1.body)).toEqual({ status: 'ok' })
    const session = openHttp2(port, ca)
    const ready = await fetchHttp2(session, '/readyz')
    expect(ready.status).toBe(200)
    expect(JSON.parse(ready.body)).toEqual({ status: 'ok' })
    const page = await fetchHttp2(session, '/login')
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
    expect(page.body).toContain('<form method="post" action="/login"')
  })

  it('reports not ready (503) when storage is unreachable, while staying alive', async () => {
    const { board, port, ca } = await start()
    await board.storage.close()
    const ready = await fetchHttp1(port, ca, '/readyz')
    expect(ready.status).toBe(503)
    expect(JSON.parse(ready.body)).toEqual({ status: 'unavailable', reason: 'storage unreachable' })
    expect((await fetchHttp1(port, ca, '/healthz')).status).toBe(200)
    board.storage = await (await import('@parley/storage')).openSqliteStorage(board.config.databasePath)
  })
})

describe('live updates (SSE)', () => {
  it('refuses the stream without a session', async () => {
    const { port, ca } = await start()
    const response = await fetchHttp1(port, ca, '/events', undefined, { accept: 'text/event-stream' })
    expect(response.status).toBe(401)
  })

  it('delivers created, updated and deleted posts over HTTP/2, with heartbeats', async () => {
    const { board, port, ca } = await start({ env: { SSE_HEARTBEAT_SECONDS: '1' } })
    const reader = new Client(board.app)
    await reader.register('reader', 'reader password')
    const writer = new Client(board.app)
    await writer.register('writer', 'writer password')

    const session = openHttp2(port, ca)
    const stream = session.request({ ':path': '/events', cookie: reader.cookieHeader(), accept: 'text/event-stream' })
    const [headers] = (await once(stream, 'response')) as [Record<string, unknown>]
    expect(headers[':status']).toBe(200)
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(headers['cache-control']).toBe('no-store')
    expect(headers['content-security-policy']).toContain("default-src 'self'")
    await readUntil(stream, (text) => text.includes(': connected'))

    const created = readUntil(stream, (text) => text.includes('event: created'))
    await writer.createPost('live <b>news</b>\nline two')
    const text = await created
    const data = /event: created\ndata: (.*)\n\n/.exec(text)?.[1]
    const event = JSON.parse(data!)
    expect(event).toEqual({
      type: 'created',
      post: expect.objectContaining({ authorName: 'writer', body: 'live <b>news</b>\nline two', updatedAt: null }),
    })

    const id = event.post.id as number
    const updated = readUntil(stream, (chunk) => chunk.includes('event: updated'))
    await writer.submit(`/posts/${id}/edit`, `/posts/${id}/edit`, { body: 'corrected' })
    expect(await updated).toContain('"body":"corrected"')

    const deleted = readUntil(stream, (chunk) => chunk.includes('event: deleted'))
    await writer.submit('/', `/posts/${id}/delete`, {})
    expect(await deleted).toContain(`data: {"type":"deleted","id":${id}}`)

    expect(await readUntil(stream, (chunk) => chunk.includes(': heartbeat'))).toContain(': heartbeat')
    stream.close()
  })

  it('ends the stream after the session is signed out (checked at each heartbeat), over HTTP/1.1', async () => {
    const { board, port, ca } = await start({ env: { SSE_HEARTBEAT_SECONDS: '1' } })
    const reader = new Client(board.app)
    await reader.register('leaving', 'leaving password')
    const ended = new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/events',
          ca,
          servername: 'localhost',
          headers: { host: `localhost:${port}`, cookie: reader.cookieHeader(), accept: 'text/event-stream' },
        },
        (res) => {
          expect(res.statusCode).toBe(200)
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            text += chunk
            if (text.includes(': connected') && !text.includes('signed-out')) {
              text += 'signed-out'
              void reader.submit('/', '/logout', {})
            }
          })
          res.on('end', () => resolve(text))
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(await ended).toContain(': connected')
  })
})

describe('graceful shutdown', () => {
  it('stops accepting, finishes in-flight requests on HTTP/1.1 and HTTP/2, ends idle connections and SSE streams', async () => {
    const { board, port, ca, gate, entered } = await start()
    // An idle keep-alive HTTP/1.1 connection and an idle HTTP/2 session must not hold the close up.
    const keepAlive = new Agent({ keepAlive: true })
    agents.push(keepAlive)
    expect((await fetchHttp1(port, ca, '/healthz', keepAlive)).status).toBe(200)
    const idleSession = openHttp2(port, ca)
    expect((await fetchHttp2(idleSession, '/healthz')).status).toBe(200)

    // An open SSE stream.
    const reader = new Client(board.app)
    await reader.register('streamer', 'streamer password')
    const sse = openHttp2(port, ca).request({ ':path': '/events', cookie: reader.cookieHeader() })
    await readUntil(sse, (text) => text.includes(': connected'))
    const sseEnded = once(sse, 'end')
    sse.resume()

    // In flight on both protocols.
    const slowHttp1 = fetchHttp1(port, ca, '/test/slow', new Agent({ keepAlive: true }))
    await entered[0]!.promise
    const slowHttp2 = fetchHttp2(openHttp2(port, ca), '/test/slow')
    await entered[1]!.promise

    let closed = false
    const closing = board.app.close().then(() => {
      closed = true
    })
    await sseEnded

    // No new connections.
    await expect(fetchHttp1(port, ca, '/healthz')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/)
    expect(closed).toBe(false)

    gate.resolve()
    const [first, second] = await Promise.all([slowHttp1, slowHttp2])
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body)).toEqual({ finished: true })
    expect(second.status).toBe(200)
    expect(JSON.parse(second.body)).toEqual({ finished: true })
    await closing
    expect(closed).toBe(true)
  })
})
