/**
 * A WebSocket client written on a bare TLS socket, to send what well-behaved libraries refuse to:
 * invalid UTF-8 in text frames, floods of continuation frames, reserved opcodes and bits, oversized
 * control frames, unmasked frames. It performs the upgrade by hand (RFC 6455 §4.1) and parses the
 * server's frames (text and close) so tests can read replies and close codes.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { connect, type TLSSocket } from 'node:tls'
import { SUBPROTOCOL } from '@parley/protocol'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const

export interface FrameOptions {
  fin?: boolean
  opcode: number
  payload?: Buffer | string
  /** Clients must mask (RFC 6455 §5.1); false sends an unmasked frame. */
  mask?: boolean
  /** RSV1–3 as a 3-bit number. */
  rsv?: number
}

/** Encodes one frame, masked unless told otherwise. */
export function encodeFrame(options: FrameOptions): Buffer {
  const payload =
    typeof options.payload === 'string' ? Buffer.from(options.payload) : (options.payload ?? Buffer.alloc(0))
  const mask = options.mask ?? true
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (options.opcode & 0x0f)
  let header: Buffer
  if (payload.length < 126) {
    header = Buffer.from([first, (mask ? 0x80 : 0) | payload.length])
  } else if (payload.length < 65_536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = (mask ? 0x80 : 0) | 126
    header.writeUInt16BE(payload.length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = (mask ? 0x80 : 0) | 127
    header.writeBigUInt64BE(BigInt(payload.length), 2)
  }
  if (!mask) return Buffer.concat([header, payload])
  const key = randomBytes(4)
  const masked = Buffer.alloc(payload.length)
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ key[i % 4]!
  return Buffer.concat([header, key, masked])
}

export interface ServerFrame {
  opcode: number
  payload: Buffer
}

export class RawWebSocket {
  readonly socket: TLSSocket
  readonly texts: string[] = []
  /** The close frame's status code, or null when the socket ended without one. */
  closeCode: number | null = null
  readonly ended: Promise<void>
  #buffer = Buffer.alloc(0)
  #waiters = new Set<() => void>()

  private constructor(socket: TLSSocket, rest: Buffer) {
    this.socket = socket
    this.ended = new Promise((resolve) => {
      socket.on('close', () => {
        resolve()
        this.#wake()
      })
    })
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    if (rest.length > 0) this.#onData(rest)
  }

  /** Connects over TLS and upgrades, offering the Parley subprotocol. */
  static async connect(port: number, ca: Buffer, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca })
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve)
      socket.once('error', reject)
    })
    const key = randomBytes(16).toString('base64')
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
    socket.write(
      `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n` +
        `${extra.join('')}\r\n`,
    )
    const { head, rest } = await new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
      let received = Buffer.alloc(0)
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk])
        const end = received.indexOf('\r\n\r\n')
        if (end === -1) return
        socket.off('data', onData)
        resolve({ head: received.subarray(0, end).toString('latin1'), rest: received.subarray(end + 4) })
      }
      socket.on('data', onData)
      socket.once('close', () => reject(new Error('the server closed the socket during the upgrade')))
    })
    const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64')
    if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept)) {
      socket.destroy()
      throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`)
    }
    return new RawWebSocket(socket, rest)
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake()
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      const frame = this.#takeFrame()
      if (!frame) break
      if (frame.opcode === Opcode.Text) this.texts.push(frame.payload.toString('utf8'))
      else if (frame.opcode === Opcode.Close)
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005
      else if (frame.opcode === Opcode.Ping && !this.socket.destroyed) {
        this.socket.write(encodeFrame({ opcode: Opcode.Pong, payload: frame.payload }))
      }
    }
    this.#wake()
  }

  /** Parses one unmasked server frame off the buffer (servers never fragment ours, but handle it anyway). */
  #takeFrame(): ServerFrame | null {
    const b = this.#buffer
    if (b.length < 2) return null
    let length = b[1]! & 0x7f
    let offset = 2
    if (length === 126) {
      if (b.length < 4) return null
      length = b.readUInt16BE(2)
      offset = 4
    } else if (length === 127) {
      if (b.length < 10) return null
      length = Number(b.readBigUInt64BE(2))
      offset = 10
    }
    if (b.length < offset + length) return null
    const frame = { opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + length) }
    this.#buffer = b.subarray(offset + length)
    return frame
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  send(options: FrameOptions): void {
    this.write(encodeFrame(options))
  }

  sendText(text: string): void {
    this.send({ opcode: Opcode.Text, payload: text })
  }

  /** Waits for a text frame matching `test` (parsed as JSON). */
  async waitForJson(
    test: (frame: Record<string, unknown>) => boolean,
    timeoutMs = 15_000,
  ): Promise<Record<string, unknown>> {
    const find = () =>
      this.texts.map((text) => JSON.parse(text) as Record<string, unknown>).find((frame) => test(frame)) ?? null
    return this.#until(find, timeoutMs, () => `a matching frame; got ${JSON.stringify(this.texts.slice(-5))}`)
  }

  /** Waits until the server closed: its close code (null when it dropped the socket without one). */
  async waitClosed(timeoutMs = 15_000): Promise<number | null> {
    await this.#until(
      () => (this.socket.destroyed || this.socket.readableEnded ? true : null),
      timeoutMs,
      () => `the server to close (close code so far ${this.closeCode})`,
    )
    return this.closeCode
  }

  async #until<T>(find: () => T | null, timeoutMs: number, what: () => string): Promise<T> {
    const found = find()
    if (found !== null) return found
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`))
      }, timeoutMs)
      const wake = () => {
        const value = find()
        if (value === null) return
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve(value)
      }
      this.#waiters.add(wake)
    })
  }

  destroy(): void {
    this.socket.destroy()
  }
}
