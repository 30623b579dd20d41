/** The relay between a client and a real TCP echo server on 127.0.0.1. */
import { once } from 'node:events'
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTcpRelay } from '../src/index.js'

let echo: Server

beforeAll(async () => {
  // The relay resets its upstream side when cut: the echo side sees ECONNRESET, as a server would.
  echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket))
  echo.listen(0, '127.0.0.1')
  await once(echo, 'listening')
})

afterAll(async () => {
  await new Promise((resolve) => echo.close(resolve))
})

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port })
  await once(socket, 'connect')
  return socket
}

async function roundTrip(socket: Socket, text: string): Promise<string> {
  socket.write(text)
  const [data] = await once(socket, 'data')
  return String(data)
}

describe('startTcpRelay', () => {
  it('relays, resets open and new connections while cut, and relays again once restored', async () => {
    const target = `redis://127.0.0.1:${(echo.address() as AddressInfo).port}/3`
    const relay = await startTcpRelay(target, 6379)
    expect(relay.url).toBe(`redis://127.0.0.1:${relay.port}/3`)
    const open = await connect(relay.port)
    expect(await roundTrip(open, 'ping')).toBe('ping')

    const errors: string[] = []
    open.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message))
    const closed = new Promise((resolve) => open.on('close', resolve))
    relay.cut()
    expect(relay.isCut).toBe(true)
    await closed
    expect(errors).toEqual(['ECONNRESET'])

    const refused = createConnection({ host: '127.0.0.1', port: relay.port })
    const [error] = await once(refused, 'error')
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET')

    relay.restore()
    expect(relay.isCut).toBe(false)
    const again = await connect(relay.port)
    expect(await roundTrip(again, 'pong')).toBe('pong')
    again.destroy()
    await relay.close()
  })

  it('uses the default port when the target names none', async () => {
    const relay = await startTcpRelay(new URL('postgres://user@127.0.0.1/test'), 5432)
    expect(relay.url).toBe(`postgres://user@127.0.0.1:${relay.port}/test`)
    await relay.close()
  })
})
