/**
 * A Server-Sent Events reader for the board's `/events` over real TLS, as an EventSource would
 * read it: keeps every event, and knows when the server ended the stream.
 * @module
 */
import { request } from 'node:https'
import { until } from '../wait.js'

export interface SseEvent {
  event: string
  data: unknown
}

export class SseStream {
  readonly events: SseEvent[] = []
  status = 0
  ended = false
  /** The server's first comment arrived: the stream is subscribed. */
  connected = false
  #buffer = ''
  #destroy: () => void = () => {}

  static async open(origin: string, cookie: string, ca: Buffer): Promise<SseStream> {
    const stream = new SseStream()
    await new Promise<void>((resolve, reject) => {
      const req = request(
        new URL('/events', origin),
        { headers: { cookie, accept: 'text/event-stream' }, ca, servername: 'localhost', agent: false },
        (res) => {
          stream.status = res.statusCode ?? 0
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => stream.#take(chunk))
          res.on('end', () => {
            stream.ended = true
          })
          res.on('close', () => {
            stream.ended = true
          })
          res.on('error', () => {
            stream.ended = true
          })
          // Connected once the first comment arrived (the subscription exists by then).
          until(
            () => stream.connected || stream.ended,
            () => 'the event stream to open',
            10_000,
          ).then(resolve, reject)
        },
      )
      req.on('error', reject)
      stream.#destroy = () => req.destroy()
      req.end()
    })
    return stream
  }

  #take(chunk: string): void {
    this.#buffer += chunk
    for (let end = this.#buffer.indexOf('\n\n'); end >= 0; end = this.#buffer.indexOf('\n\n')) {
      const block = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 2)
      let event = 'message'
      let data = ''
      for (const line of block.split('\n')) {
        if (line === ': connected') this.connected = true
        else if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data += line.slice(6)
      }
      if (data !== '') this.events.push({ event, data: JSON.parse(data) })
    }
  }

  async waitFor(test: (event: SseEvent) => boolean, what: string, timeoutMs = 15_000): Promise<SseEvent> {
    await until(
      () => this.events.some(test),
      () => `${what}; got ${JSON.stringify(this.events)}`,
      timeoutMs,
    )
    return this.events.find(test)!
  }

  async waitEnded(timeoutMs = 15_000): Promise<void> {
    await until(
      () => this.ended,
      () => 'the server to end the event stream',
      timeoutMs,
    )
  }

  close(): void {
    this.#destroy()
  }
}
