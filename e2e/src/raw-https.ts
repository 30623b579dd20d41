/**
 * Raw HTTPS requests with the request target exactly as given (no client-side normalisation), over
 * HTTP/1.1 on a bare TLS socket and over HTTP/2 with node:http2, returning status and body bytes.
 * @module
 */
import { once } from 'node:events'
import { connect as http2Connect } from 'node:http2'
import { connect } from 'node:tls'

export interface RawReply {
  status: number
  headers: string
  body: Buffer
}

/** One HTTP/1.1 request with `Connection: close`, the target written byte for byte. */
export async function rawHttp1(port: number, ca: Buffer, target: string, method = 'GET'): Promise<RawReply> {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] })
  await once(socket, 'secureConnect')
  socket.write(`${method} ${target} HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await once(socket, 'close')
  const response = Buffer.concat(chunks)
  const end = response.indexOf('\r\n\r\n')
  const headers = response.subarray(0, end === -1 ? response.length : end).toString('latin1')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0)
  return { status, headers, body: end === -1 ? Buffer.alloc(0) : response.subarray(end + 4) }
}

/** One HTTP/2 request with `:path` as given. */
export async function rawHttp2(port: number, ca: Buffer, path: string, method = 'GET'): Promise<RawReply> {
  const session = http2Connect(`https://localhost:${port}`, { ca })
  session.on('error', () => undefined)
  try {
    const stream = session.request({ ':path': path, ':method': method })
    stream.on('error', () => undefined)
    const [headers] = (await once(stream, 'response')) as [Record<string, string | string[] | undefined>]
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return { status: Number(headers[':status']), headers: JSON.stringify(headers), body: Buffer.concat(chunks) }
  } finally {
    session.close()
  }
}
