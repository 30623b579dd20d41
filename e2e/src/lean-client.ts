/**
 * A light chat client for load: one real TLS WebSocket, replies matched by id, chat messages
 * confirmed at once and counted by id, other events only counted. It keeps no frame history, so a
 * thousand of them fit in one test process.
 * @module
 */
import { once } from 'node:events'
import { SUBPROTOCOL } from '@parley/protocol'
import { WebSocket } from 'ws'

type Frame = { type: string; replyTo?: string; messageId?: number; text?: string } & Record<string, unknown>

let counter = 0

export class LeanClient {
  readonly ws: WebSocket
  /** Chat messages received: message id → how many times. */
  readonly received = new Map<number, number>()
  readonly textsReceived = new Set<string>()
  broadcasts = 0
  presence = 0
  closeCode: number | null = null
  readonly #pending = new Map<string, (frame: Frame) => void>()

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame
      if (frame.replyTo && this.#pending.has(frame.replyTo)) {
        const resolve = this.#pending.get(frame.replyTo)!
        this.#pending.delete(frame.replyTo)
        resolve(frame)
        return
      }
      if (frame.type === 'message' && typeof frame.messageId === 'number') {
        this.received.set(frame.messageId, (this.received.get(frame.messageId) ?? 0) + 1)
        if (frame.text) this.textsReceived.add(frame.text)
        ws.send(JSON.stringify({ type: 'received', ids: [frame.messageId] }))
      } else if (frame.type === 'broadcast') this.broadcasts++
      else if (frame.type === 'presence') this.presence++
      else if (frame.type === 'presence_batch') this.presence += (frame.changes as unknown[]).length
    })
    ws.on('close', (code) => {
      this.closeCode = code
    })
    ws.on('error', () => undefined)
  }

  /** `headers`: e.g. a browser tab's Origin and board session cookie. */
  static async connect(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<LeanClient> {
    const ws = new WebSocket(url, [SUBPROTOCOL], { ca, perMessageDeflate: false, headers })
    const client = new LeanClient(ws)
    await Promise.race([
      once(ws, 'open'),
      once(ws, 'unexpected-response').then(([, res]) => {
        throw new Error(`upgrade refused with HTTP ${(res as { statusCode?: number }).statusCode}`)
      }),
    ])
    return client
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  request(frame: Record<string, unknown>, timeoutMs = 60_000): Promise<Frame> {
    const id = `l${++counter}`
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`no reply to ${JSON.stringify(frame)} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
      this.ws.send(JSON.stringify({ ...frame, id }))
    })
  }

  terminate(): void {
    this.ws.terminate()
  }
}
