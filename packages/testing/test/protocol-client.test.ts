/** The protocol client against a scripted WebSocket server over real TLS on port 0. */
import { SUBPROTOCOL } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type WebSocket, WebSocketServer } from 'ws'
import { ProtocolClient } from '../src/index.js'
import { startTlsServer, type TlsServer } from './tls-server.js'

let site: TlsServer
let url: string
/** Every frame the server got, parsed. */
const received: Record<string, unknown>[] = []

/** Answers like a tiny gateway: `login` gets a welcome (or an error for a wrong password), `flood` N messages. */
function serve(socket: WebSocket): void {
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>
    received.push(frame)
    const reply = (body: Record<string, unknown>) => socket.send(JSON.stringify({ ...body, replyTo: frame.id }))
    if (frame.type === 'login' && frame.password === 'right') {
      reply({ type: 'welcome', v: 1, username: frame.username, timeoutSeconds: 600, online: [], blocked: [] })
    } else if (frame.type === 'login') {
      reply({ type: 'error', code: 'AUTH_FAILED', message: 'Wrong username or password.' })
    } else if (frame.type === 'flood') {
      for (let i = 1; i <= Number(frame.count); i++) {
        socket.send(
          JSON.stringify({ type: 'message', messageId: i, from: 'bob', text: `m${i}`, at: 1, offline: false }),
        )
      }
      reply({ type: 'ack' })
    } else if (frame.type === 'garble') {
      socket.send('{"type":"welcome"}')
      reply({ type: 'ack' })
    } else if (frame.type === 'quit') {
      socket.close(4001, 'bye now')
    }
  })
}

beforeAll(async () => {
  site = await startTlsServer()
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  })
  site.server.on('upgrade', (request, socket, head) => {
    if (request.headers.origin === 'https://evil.example') {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, serve)
  })
  url = `wss://localhost:${site.port}/`
})

afterAll(async () => {
  await site?.close()
})

describe('ProtocolClient', () => {
  it('logs in by request and reply, keeping every frame decoded and raw', async () => {
    const client = await ProtocolClient.connect(url, { ca: site.certs.ca })
    expect(client.isOpen).toBe(true)
    expect(client.ws.protocol).toBe(SUBPROTOCOL)
    const welcome = await client.login('alice', 'right')
    expect(welcome).toMatchObject({ type: 'welcome', username: 'alice' })
    const login = received.at(-1)
    expect(login).toMatchObject({ type: 'login', v: 1, username: 'alice' })
    expect(welcome.replyTo).toBe(login?.id)
    expect(client.raw).toHaveLength(1)
    expect(JSON.parse(client.raw[0]!)).toEqual(welcome)
    await expect(client.login('alice', 'wrong')).rejects.toThrow(/login refused: .*AUTH_FAILED/)
    expect(client.invalid).toEqual([])
    client.close()
    expect(await client.waitClosed()).toMatchObject({ code: 1005 })
  })

  it('records frames the schemas refuse apart from the valid ones', async () => {
    const client = await ProtocolClient.connect(url, { ca: site.certs.ca })
    await client.request({ type: 'garble' })
    expect(client.invalid).toEqual(['{"type":"welcome"}'])
    expect(client.frames.map((frame) => frame.type)).toEqual(['ack'])
    client.terminate()
  })

  it('confirms what it received in frames of at most 500 ids', async () => {
    const client = await ProtocolClient.connect(url, { ca: site.certs.ca })
    await client.request({ type: 'flood', count: 1201 })
    expect(client.ofType('message')).toHaveLength(1201)
    const before = received.length
    client.confirm()
    await client.request({ type: 'garble' })
    const confirmations = received.slice(before).filter((frame) => frame.type === 'received')
    expect(confirmations.map((frame) => (frame.ids as number[]).length)).toEqual([500, 500, 201])
    expect(confirmations.every((frame) => !('id' in frame))).toBe(true)
    expect(confirmations.flatMap((frame) => frame.ids as number[])).toEqual(
      Array.from({ length: 1201 }, (_, i) => i + 1),
    )
    client.terminate()
  })

  it('fails a wait after its timeout, naming what it waited for', async () => {
    const client = await ProtocolClient.connect(url, { ca: site.certs.ca, timeoutMs: 300 })
    expect(client.timeoutMs).toBe(300)
    await expect(client.waitForType('presence')).rejects.toThrow('timed out after 300 ms waiting for a presence frame')
    await expect(client.waitClosed(200)).rejects.toThrow('connection not closed after 200 ms')
    client.terminate()
  })

  it('reports the close code and reason', async () => {
    const client = await ProtocolClient.connect(url, { ca: site.certs.ca })
    client.send({ type: 'quit' })
    expect(await client.waitClosed()).toEqual({ code: 4001, reason: 'bye now' })
    expect(client.closeInfo).toEqual({ code: 4001, reason: 'bye now' })
    expect(client.isOpen).toBe(false)
  })

  it('names the HTTP status of a refused upgrade', async () => {
    const refused = { ca: site.certs.ca, origin: 'https://evil.example' }
    await expect(ProtocolClient.connect(url, refused)).rejects.toThrow('upgrade refused with HTTP 403')
    expect(await ProtocolClient.refusedStatus(url, refused)).toBe(403)
    await expect(ProtocolClient.refusedStatus(url, { ca: site.certs.ca })).rejects.toThrow('the upgrade was accepted')
  })

  it('rejects with the socket error when the server is not trusted', async () => {
    await expect(ProtocolClient.connect(url, { ca: Buffer.from('') })).rejects.toThrow(/certificate/)
  })
})
