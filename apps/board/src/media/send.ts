/**
 * Serves one resolved media file for GET or HEAD: validators, conditional requests, byte ranges, and a
 * body streamed from disk (`FileHandle.createReadStream` with start/end; nothing is read whole).
 *
 * The file is opened once (O_NOFOLLOW, so a name swapped for a symlink after resolution fails) and every
 * decision — size, ETag, Last-Modified, the bytes streamed — is made from that one open file, so a
 * concurrent replacement (uploads rename atomically) can never mix two versions in one response.
 * Its size and dates therefore come from `fstat` on every response, never from a cache.
 *
 * HTTP/2's `respondWithFD` was considered and not used: it bypasses Fastify's reply (the hooks that log
 * and count responses, the stream-reset handling below), and larger reads already remove most of the
 * per-chunk cost it would save.
 * @module
 */
import { constants } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import type { Http2Stream } from 'node:http2'
import { Readable } from 'node:stream'
import { evaluatePreconditions, ifRangeAllowsRange, type Validators } from './conditional.js'
import type { MediaType } from './content-type.js'
import { type EtagCache, identityOf } from './etag.js'
import { formatHttpDate, toWholeSecondMs } from './http-date.js'
import { planRange } from './range.js'

/**
 * The parts of a Fastify request and reply that serving needs. Structural, so a request from any Fastify
 * instance (HTTP/1.1 or HTTP/2, any type provider or route generics) fits.
 */
export interface MediaRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

export interface MediaReply {
  code(statusCode: number): unknown
  header(key: string, value: string): unknown
  removeHeader(key: string): unknown
  send(payload?: unknown): unknown
  callNotFound(): void
  /** The Node response (HTTP/2: an Http2ServerResponse whose `stream` we watch for resets). */
  readonly raw?: unknown
}

export interface SendDeps {
  etags: EtagCache
  cacheControl: string
}

export interface SendTarget {
  /** The file opened with `openNoFollow` from the real path `resolveInside` gave; always closed by sendMediaFile. */
  handle: FileHandle
  type: MediaType
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Bytes read from disk per chunk. Node's default (64 KiB) means 16 reads, callbacks and stream pushes
 * per MiB; 256 KiB cuts that by four while keeping a response's buffered memory small.
 */
export const READ_CHUNK_BYTES = 256 * 1024

/** The file at a resolved path, not following a symlink there; null when it vanished or became one. */
export async function openNoFollow(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return null // vanished, or became a symlink since it was resolved
  }
}

/** Sends 404 through the app's not-found handler (its page, its hooks). */
export function sendNotFound<R extends MediaReply>(reply: R): R {
  reply.callNotFound()
  return reply
}

/**
 * HTTP/2: a client may reset a stream with NO_ERROR in the middle of a response. Node then marks the
 * stream aborted, but while our writes wait for a drain that can never come it neither destroys the
 * stream nor closes the compatibility response, so Fastify never destroys the body and the file would
 * stay open for the life of the connection (one leaked descriptor per reset: a denial of service).
 * Watching the stream itself releases the file; Fastify then tears the response down.
 * (Node's open issue nodejs/node#56374, "http2 compat response doesn't always emit 'close'".)
 */
function destroyOnStreamReset(body: Readable, raw: unknown): void {
  const stream = (raw as { stream?: Http2Stream } | undefined)?.stream
  if (typeof stream?.once !== 'function' || typeof stream.aborted !== 'boolean') return // HTTP/1.1
  const release = () => body.destroy()
  if (stream.aborted || stream.closed || stream.destroyed) {
    process.nextTick(release)
    return
  }
  stream.once('aborted', release)
  stream.once('close', release)
  body.once('close', () => {
    stream.off('aborted', release)
    stream.off('close', release)
  })
}

/** The body for `start..end` (inclusive), read from the open file, which it closes when done or destroyed. */
function fileBody(handle: FileHandle, start: number, end: number, reply: MediaReply): Readable {
  const body = handle.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES })
  destroyOnStreamReset(body, reply.raw)
  return body
}

/**
 * A HEAD answer carries an empty stream rather than no payload: Fastify's automatic HEAD route would
 * otherwise overwrite our Content-Length with 0, while it leaves the headers of a stream payload alone
 * (and HTTP/1.1 and HTTP/2 both drop the body of a HEAD response).
 */
function finish<R extends MediaReply>(reply: R, head: boolean, statusCode: number, body?: Readable): R {
  reply.code(statusCode)
  reply.send(head ? Readable.from([]) : body)
  return reply
}

export async function sendMediaFile<R extends MediaReply>(
  request: MediaRequest,
  reply: R,
  target: SendTarget,
  deps: SendDeps,
): Promise<R> {
  const method = request.method
  const handle = target.handle
  let handedOver = false
  try {
    if (method !== 'GET' && method !== 'HEAD') {
      reply.header('allow', 'GET, HEAD')
      return finish(reply, false, 405)
    }
    const head = method === 'HEAD'
    const stats = await handle.stat({ bigint: true })
    if (!stats.isFile()) return sendNotFound(reply)
    const size = Number(stats.size)
    const validators: Validators = {
      etag: await deps.etags.forHandle(handle, identityOf(stats)),
      lastModifiedMs: toWholeSecondMs(Number(stats.mtimeMs)),
    }
    // Sent on every answer, 304 included (RFC 9110 §15.4.5), so caches can update what they hold.
    reply.header('etag', validators.etag)
    reply.header('last-modified', formatHttpDate(validators.lastModifiedMs))
    reply.header('cache-control', deps.cacheControl)
    reply.header('accept-ranges', 'bytes')

    const headers = request.headers
    const outcome = evaluatePreconditions(
      {
        'if-match': firstHeader(headers['if-match']),
        'if-none-match': firstHeader(headers['if-none-match']),
        'if-modified-since': firstHeader(headers['if-modified-since']),
        'if-unmodified-since': firstHeader(headers['if-unmodified-since']),
      },
      validators,
    )
    if (outcome === 'not-modified') return finish(reply, head, 304)
    if (outcome === 'failed') return finish(reply, head, 412)

    reply.header('content-type', target.type.contentType)
    reply.header('x-content-type-options', 'nosniff')

    // Ranges are defined for GET only (RFC 9110 §14.2); a HEAD with Range describes the whole file.
    const rangeHeader = method === 'GET' ? firstHeader(headers.range) : undefined
    const plan =
      rangeHeader !== undefined && ifRangeAllowsRange(firstHeader(headers['if-range']), validators)
        ? planRange(rangeHeader, size)
        : planRange(undefined, size)

    if (plan.kind === 'unsatisfiable') {
      reply.removeHeader('content-type')
      reply.header('content-range', `bytes */${size}`)
      return finish(reply, false, 416)
    }
    if (plan.kind === 'partial') {
      reply.header('content-range', `bytes ${plan.start}-${plan.end}/${size}`)
      reply.header('content-length', String(plan.end - plan.start + 1))
      handedOver = true
      return finish(reply, false, 206, fileBody(handle, plan.start, plan.end, reply))
    }
    reply.header('content-length', String(size))
    if (head || size === 0) return finish(reply, head, 200)
    handedOver = true
    return finish(reply, false, 200, fileBody(handle, 0, size - 1, reply))
  } finally {
    // The read stream owns (and auto-closes) the handle once handed over, also when the client aborts.
    if (!handedOver) await handle.close()
  }
}
