/**
 * Media serving over real TLS sockets on port 0, with a server that speaks HTTP/2 and falls back to
 * HTTP/1.1 (as the board does): the Range table with byte-exact bodies, validators, traversal attempts
 * sent as raw request targets, client aborts, an HTTP/2 range request, and multipart uploads.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { constants, type Http2SecureServer, connect as http2Connect } from 'node:http2'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { ErrorCode, isParleyError } from '@parley/protocol'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMediaSandbox, DATA_SIZE, type MediaSandbox, REPO_MEDIA, registerMediaRoute } from './media-fixtures.js'

const UPLOAD_LIMIT = 64 * 1024
const BIG_SIZE = 8 * 1024 * 1024

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

let box: MediaSandbox
let certDir: string
let certs: CertFiles
let app: FastifyInstance<Http2SecureServer>
let port: number
/** Every body the server sent in this file, to prove the canary never left the sandbox. */
const bodies: Buffer[] = []
const bigBodies: Readable[] = []

function h1(path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', servername: 'localhost', port, path, method, headers, ca: certs.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const received = Buffer.concat(chunks)
          bodies.push(received)
          resolve({ status: res.statusCode!, headers: res.headers, body: received })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** One HTTP/2 request on its own session (so ALPN really negotiates h2). */
async function h2(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const session = http2Connect(`https://localhost:${port}`, { ca: certs.ca })
  try {
    const stream = session.request({ ':path': path, ':method': method, ...headers })
    const [responseHeaders] = (await once(stream, 'response')) as [Record<string, string | string[] | undefined>]
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    const received = Buffer.concat(chunks)
    bodies.push(received)
    return { status: Number(responseHeaders[':status']), headers: responseHeaders, body: received }
  } finally {
    session.close()
  }
}

function multipartBody(fileName: string, content: Buffer): { body: Buffer; type: string } {
  const boundary = `----parley${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  return {
    body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  }
}

/** How many descriptors this process holds open on `path` (the server runs in-process). */
async function openDescriptorsOn(path: string): Promise<number> {
  const fds = await readdir('/proc/self/fd')
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')))
  return targets.filter((target) => target === path).length
}

beforeAll(async () => {
  box = await createMediaSandbox()
  await writeFile(join(box.mediaDir, 'big.mp4'), randomBytes(BIG_SIZE))
  await writeFile(join(box.mediaDir, 'empty.wav'), '')
  await symlink(box.canaryPath, join(box.mediaDir, 'escape.mp4'))
  await symlink('../canary.txt', join(box.mediaDir, 'relative-escape.wav'))
  await symlink(join(box.mediaDir, 'sample-tone.wav'), join(box.mediaDir, 'alias.wav'))
  certDir = await mkdtemp(join(tmpdir(), 'parley-media-certs-'))
  certs = await ensureCerts(certDir)

  app = Fastify({ http2: true, https: { allowHTTP1: true, key: certs.key, cert: certs.cert }, logger: false })
  registerMediaRoute(app, box.library)
  // The bodies handed to Fastify for big.mp4, so tests can wait until the server is blocked on flow control.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.url === '/media/big.mp4' && payload instanceof Readable) bigBodies.push(payload)
    return payload
  })
  // An upload route shaped like the board's: @fastify/multipart's own limit at the same size as ours.
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 1 } })
  app.post<{ Querystring: { limit?: string } }>('/upload', async (request, reply) => {
    const part = await request.file()
    if (!part) return reply.code(400).send({ code: 'NO_FILE' })
    try {
      const file = await box.library.store(part.file, part.filename, Number(request.query.limit ?? UPLOAD_LIMIT))
      return reply.code(201).send(file)
    } catch (error) {
      if (!isParleyError(error)) throw error
      return reply.code(error.code === ErrorCode.MediaTooLarge ? 413 : 415).send({ code: error.code })
    }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  port = (app.server.address() as { port: number }).port
})

afterAll(async () => {
  await app?.close()
  await box?.cleanup()
  if (certDir) await rm(certDir, { recursive: true, force: true })
  // Runs last: nothing any test received may contain the secret outside the media folder.
  for (const body of bodies) expect(body.includes(box.canary)).toBe(false)
})

describe('the Range table over HTTP/1.1 on TLS (10 000-byte file)', () => {
  const whole = [200, 0, DATA_SIZE - 1] as const
  const table: [string, number, number, number][] = [
    ['bytes=0-499', 206, 0, 499],
    ['bytes=500-999', 206, 500, 999],
    ['bytes=9500-', 206, 9500, 9999],
    ['bytes=0-', 206, 0, 9999],
    ['bytes=-500', 206, 9500, 9999],
    ['bytes=-20000', 206, 0, 9999],
    ['bytes=0-0', 206, 0, 0],
    ['bytes=0-1', 206, 0, 1],
    ['bytes=9999-', 206, 9999, 9999],
    ['bytes=9000-20000', 206, 9000, 9999],
    ['bytes=0-1,2-3', 206, 0, 3],
    ['bytes=0-100,50-150', 206, 0, 150],
    ['bytes=200-299,0-99,100-199', 206, 0, 299],
    ['bytes=0-9,20000-', 206, 0, 9],
    ['bytes=0-10,20-30', ...whole],
    ['bytes=5-2', ...whole],
    ['bytes=abc', ...whole],
    ['items=0-5', ...whole],
    ['bytes=', ...whole],
    ['bytes=1-2-3', ...whole],
    ['bytes=--5', ...whole],
  ]

  it.each(table)('Range: %s → %i bytes %i-%i', async (range, status, start, end) => {
    const res = await h1('/media/data.mp4', { range })
    expect(res.status).toBe(status)
    expect(res.headers['accept-ranges']).toBe('bytes')
    expect(res.headers['content-type']).toBe('video/mp4')
    expect(res.body.equals(box.data.subarray(start, end + 1))).toBe(true)
    expect(res.headers['content-length']).toBe(String(end - start + 1))
    if (status === 206) expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${DATA_SIZE}`)
    else expect(res.headers['content-range']).toBeUndefined()
  })

  it.each(['bytes=10000-', 'bytes=20000-30000', 'bytes=-0', 'bytes=10000-10005,12000-'])(
    'Range: %s → 416 with bytes */size',
    async (range) => {
      const res = await h1('/media/data.mp4', { range })
      expect(res.status).toBe(416)
      expect(res.headers['content-range']).toBe(`bytes */${DATA_SIZE}`)
      expect(res.body.length).toBe(0)
    },
  )

  it('serves an empty file as 200 with no body even with Range', async () => {
    for (const range of ['bytes=0-', 'bytes=0-1']) {
      const res = await h1('/media/empty.wav', { range })
      expect(res.status).toBe(200)
      expect(res.headers['content-length']).toBe('0')
      expect(res.body.length).toBe(0)
    }
  })

  it('plays like a media element: probe 0-1, then open-ended reads from a seek point', async () => {
    const clip = await readFile(join(REPO_MEDIA, 'sample-clip.mp4'))
    const probe = await h1('/media/sample-clip.mp4', { range: 'bytes=0-1' })
    expect(probe.status).toBe(206)
    expect(probe.body.equals(clip.subarray(0, 2))).toBe(true)
    expect(probe.headers['content-range']).toBe(`bytes 0-1/${clip.length}`)
    const seek = Math.floor(clip.length / 2)
    const rest = await h1('/media/sample-clip.mp4', {
      range: `bytes=${seek}-`,
      'if-range': probe.headers.etag as string,
    })
    expect(rest.status).toBe(206)
    expect(rest.body.equals(clip.subarray(seek))).toBe(true)
  })
})

describe('validators over TLS', () => {
  it('answers HEAD like GET without a body, and 304/If-Range by ETag and date', async () => {
    const full = await h1('/media/sample-tone.wav')
    expect(full.status).toBe(200)
    expect(full.headers['content-type']).toBe('audio/wav')
    expect(full.body.equals(await readFile(join(REPO_MEDIA, 'sample-tone.wav')))).toBe(true)
    const head = await h1('/media/sample-tone.wav', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    for (const name of ['content-length', 'content-type', 'etag', 'last-modified', 'accept-ranges', 'cache-control']) {
      expect(head.headers[name], name).toBe(full.headers[name])
    }
    const etag = full.headers.etag as string
    const lastModified = full.headers['last-modified'] as string
    expect((await h1('/media/sample-tone.wav', { 'if-none-match': etag })).status).toBe(304)
    expect((await h1('/media/sample-tone.wav', { 'if-modified-since': lastModified })).status).toBe(304)
    const stale = await h1('/media/sample-tone.wav', { range: 'bytes=0-9', 'if-range': '"stale"' })
    expect(stale.status).toBe(200)
    expect(stale.body.length).toBe(full.body.length)
    const fresh = await h1('/media/sample-tone.wav', { range: 'bytes=0-9', 'if-range': lastModified })
    expect(fresh.status).toBe(206)
    expect(fresh.body.equals(full.body.subarray(0, 10))).toBe(true)
  })
})

describe('traversal attempts over TLS (raw request targets)', () => {
  it.each([
    '/media/..%2fcanary.txt',
    '/media/..%2Fcanary.txt',
    '/media/..%2f..%2fcanary.txt',
    '/media/%2e%2e%2fcanary.txt',
    '/media/%2e%2e/canary.txt',
    '/media/../canary.txt',
    '/media/..\\canary.txt',
    '/media/..%5ccanary.txt',
    '/media/%252e%252e%252fcanary.txt',
    '/media/data.mp4%00',
    '/media/canary.txt%00.mp4',
    '/media/%00',
    '/media/.',
    '/media/..',
    '/media/%2e%2e',
    '/media/escape.mp4',
    '/media/relative-escape.wav',
    '/media/.hidden',
    '/canary.txt',
  ])('GET %s → 404 without the canary', async (path) => {
    const res = await h1(path)
    expect(res.status).toBe(404)
    expect(res.body.includes(box.canary)).toBe(false)
  })

  it('GET /media/<absolute path of the canary> → 404', async () => {
    const res = await h1(`/media/${encodeURIComponent(box.canaryPath)}`)
    expect(res.status).toBe(404)
    expect(res.body.includes(box.canary)).toBe(false)
  })

  it('serves a symlink that stays inside the media folder', async () => {
    const res = await h1('/media/alias.wav')
    expect(res.status).toBe(200)
    expect(res.body.equals(await readFile(join(REPO_MEDIA, 'sample-tone.wav')))).toBe(true)
  })
})

describe('HTTP/2', () => {
  it('negotiates h2 and serves a range with the exact bytes', async () => {
    const res = await h2('/media/data.mp4', { range: 'bytes=100-1099' })
    expect(res.status).toBe(206)
    expect(res.headers['content-range']).toBe(`bytes 100-1099/${DATA_SIZE}`)
    expect(res.headers['content-length']).toBe('1000')
    expect(res.headers['content-type']).toBe('video/mp4')
    expect(res.body.equals(box.data.subarray(100, 1100))).toBe(true)
  })

  it('serves whole files, HEAD, 304 and 416 over h2', async () => {
    const full = await h2('/media/data.mp4')
    expect(full.status).toBe(200)
    expect(full.body.equals(box.data)).toBe(true)
    const head = await h2('/media/data.mp4', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(String(DATA_SIZE))
    expect(head.body.length).toBe(0)
    expect((await h2('/media/data.mp4', { 'if-none-match': full.headers.etag as string })).status).toBe(304)
    const unsatisfiable = await h2('/media/data.mp4', { range: 'bytes=99999-' })
    expect(unsatisfiable.status).toBe(416)
    expect(unsatisfiable.headers['content-range']).toBe(`bytes */${DATA_SIZE}`)
    expect((await h2('/media/..%2fcanary.txt')).status).toBe(404)
  })
})

describe('streaming and aborts', () => {
  let bigPath: string
  const released = () => expect.poll(() => openDescriptorsOn(bigPath), { timeout: 20_000, interval: 100 }).toBe(0)

  beforeAll(async () => {
    bigPath = await realpath(join(box.mediaDir, 'big.mp4'))
  })

  it('streams an 8 MiB file byte-exactly over both protocols, closing the file afterwards', async () => {
    const big = await readFile(bigPath)
    expect((await h1('/media/big.mp4')).body.equals(big)).toBe(true)
    expect((await h2('/media/big.mp4', { range: 'bytes=1000-' })).body.equals(big.subarray(1000))).toBe(true)
    await released()
  })

  it('closes the file when an HTTP/1.1 client drops the connection mid-stream', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', servername: 'localhost', port, path: '/media/big.mp4', ca: certs.ca, agent: false },
        (res) => {
          res.once('data', () => {
            req.destroy()
            resolve()
          })
        },
      )
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
      req.end()
    })
    await released()
    expect((await h1('/media/data.mp4', { range: 'bytes=0-0' })).status).toBe(206) // still serving
  })

  it.each([
    ['CANCEL, as browsers send when a seek abandons a request', constants.NGHTTP2_CANCEL],
    ['NO_ERROR while the server waits for flow control', constants.NGHTTP2_NO_ERROR],
  ])('closes the file when an HTTP/2 client resets the stream with %s', async (_case, code) => {
    const session = http2Connect(`https://localhost:${port}`, { ca: certs.ca })
    try {
      const stream = session.request({ ':path': '/media/big.mp4', range: 'bytes=1000-' })
      await once(stream, 'response')
      stream.pause() // read nothing: the flow-control window fills and the server's writes back up
      await expect.poll(() => bigBodies.at(-1)?.readableFlowing, { timeout: 20_000 }).toBe(false)
      expect(await openDescriptorsOn(bigPath)).toBeGreaterThan(0) // the probe does see the open file
      stream.close(code)
      await released()
      expect((await h2('/media/data.mp4', { range: 'bytes=0-0' })).status).toBe(206) // still serving
    } finally {
      session.destroy()
    }
  })
})

describe('multipart uploads over TLS', () => {
  it('accepts a real WAV under a server-chosen name and serves it back', async () => {
    const wav = (await readFile(join(REPO_MEDIA, 'sample-tone.wav'))).subarray(0, 40_000) // a valid header, cut short
    const { body, type } = multipartBody('../../x.wav', wav)
    const res = await h1(`/upload?limit=${1024 * 1024}`, { 'content-type': type }, 'POST', body)
    expect(res.status).toBe(201)
    const file = JSON.parse(res.body.toString()) as { name: string; contentType: string; size: number }
    expect(file.name).toMatch(/^x-[0-9a-f]{8}\.wav$/)
    expect(file).toMatchObject({ contentType: 'audio/wav', size: wav.length })
    const served = await h1(`/media/${file.name}`)
    expect(served.body.equals(wav)).toBe(true)
  })

  it('refuses a text file named evil.mp4 (415, MEDIA_BAD_TYPE) and keeps nothing', async () => {
    const before = (await readdir(box.mediaDir)).sort()
    const { body, type } = multipartBody('evil.mp4', Buffer.from('<html><script>alert(1)</script></html>'))
    const res = await h1('/upload', { 'content-type': type }, 'POST', body)
    expect(res.status).toBe(415)
    expect(JSON.parse(res.body.toString())).toEqual({ code: ErrorCode.MediaBadType })
    expect((await readdir(box.mediaDir)).sort()).toEqual(before)
  })

  it.each([
    ['multipart truncates at its fileSize limit', UPLOAD_LIMIT],
    ['the library limit trips first while streaming', 16 * 1024],
  ])('refuses an upload over the limit (%s) with 413 and leaves no partial file', async (_case, limit) => {
    const before = (await readdir(box.mediaDir)).sort()
    const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav')) // 130 KB > both limits
    const { body, type } = multipartBody('big.wav', wav)
    const res = await h1(`/upload?limit=${limit}`, { 'content-type': type }, 'POST', body)
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body.toString())).toEqual({ code: ErrorCode.MediaTooLarge })
    expect((await readdir(box.mediaDir)).sort()).toEqual(before)
  })
})
