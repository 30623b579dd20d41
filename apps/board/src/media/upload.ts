/**
 * Stores an uploaded file in the media folder:
 * 1. streams it into a fresh dot-file (`.upload-<uuid>.part`, never listed or served), counting bytes and
 *    failing with MediaTooLarge as soon as the limit is passed, hashing as it goes;
 * 2. makes it durable (fsync) and sniffs its type from the content (`file-type`, which reads the file
 *    with random access, so e.g. an MP3 behind a large ID3 tag is still recognised); only the audio,
 *    video and image types in our content-type table are accepted, otherwise MediaBadType;
 * 3. publishes it atomically under a name we choose, `<sanitised stem>-<random>.<sniffed ext>`, with
 *    link(2) so an existing file is never overwritten, then fsyncs the folder.
 * The partial file is removed on every failure path.
 * @module
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { link, open, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ErrorCode, ParleyError } from '@parley/protocol'
import { fileTypeFromFile } from 'file-type'
import { type MediaType, mediaTypeForExtension } from './content-type.js'
import { type EtagCache, identityOf } from './etag.js'
import { isSafeMediaName } from './names.js'

export interface StoredUpload {
  name: string
  path: string
  type: MediaType
}

export interface StoreUploadOptions {
  /** The real path of the media folder. */
  realDir: string
  source: NodeJS.ReadableStream
  clientFileName: string
  maxBytes: number
  etags: EtagCache
}

const MAX_STEM_LENGTH = 48
/**
 * The client's name is cut to this many UTF-16 units before any pattern runs: the stem keeps 48
 * characters, and NFKD or a few separators cannot need more. Nothing below scales with the raw name.
 */
const MAX_STEM_INPUT = 4 * MAX_STEM_LENGTH
const PUBLISH_ATTEMPTS = 8

function isSeparator(code: number): boolean {
  return code === 0x2d /* - */ || code === 0x5f /* _ */
}

/** Drops leading and trailing `-`/`_` in one pass each (a regex like `/[-_]+$/` backtracks quadratically). */
function trimSeparators(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isSeparator(text.charCodeAt(start))) start++
  while (end > start && isSeparator(text.charCodeAt(end - 1))) end--
  return text.slice(start, end)
}

/** A readable, safe stem from the client's file name; the name itself is never used as a path. */
export function sanitiseStem(clientFileName: string): string {
  const base = clientFileName.slice(Math.max(clientFileName.lastIndexOf('/'), clientFileName.lastIndexOf('\\')) + 1)
  const dot = base.lastIndexOf('.')
  const withoutExtension = (dot > 0 ? base.slice(0, dot) : base).slice(0, MAX_STEM_INPUT)
  const readable = withoutExtension
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: é → e
    .replace(/[^A-Za-z0-9_-]+/g, '-')
  const stem = trimSeparators(trimSeparators(readable).slice(0, MAX_STEM_LENGTH))
  return stem === '' ? 'upload' : stem
}

function tooLarge(maxBytes: number, cause?: unknown): ParleyError {
  return new ParleyError(ErrorCode.MediaTooLarge, `The file is larger than ${maxBytes} bytes.`, { maxBytes }, { cause })
}

/** Counts and hashes the bytes passing through, failing once more than `maxBytes` have been seen. */
class LimitedHasher extends Transform {
  readonly hash = createHash('sha256')
  bytes = 0
  readonly #maxBytes: number
  constructor(maxBytes: number) {
    super()
    this.#maxBytes = maxBytes
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.#maxBytes) {
      callback(tooLarge(this.#maxBytes))
      return
    }
    this.hash.update(chunk)
    callback(null, chunk)
  }
}

/** @fastify/multipart marks a file cut at its own `limits.fileSize` with `truncated` or a FST_REQ_FILE_TOO_LARGE error. */
function isUpstreamSizeLimit(source: NodeJS.ReadableStream, error?: unknown): boolean {
  if ((source as { truncated?: unknown }).truncated === true) return true
  return (error as { code?: unknown } | undefined)?.code === 'FST_REQ_FILE_TOO_LARGE'
}

async function writePart(partPath: string, options: StoreUploadOptions): Promise<Buffer> {
  const { source, maxBytes } = options
  const counter = new LimitedHasher(maxBytes)
  // `wx`: never reuse an existing file; `flush`: fsync before close, so an acknowledged upload survives a crash.
  const sink = createWriteStream(partPath, { flags: 'wx', mode: 0o644, flush: true })
  try {
    await pipeline(source, counter, sink)
  } catch (error) {
    // The file may still be opening; wait, so the caller's unlink cannot run before it exists.
    if (!sink.closed) await once(sink, 'close')
    if (error instanceof ParleyError) throw error
    if (isUpstreamSizeLimit(source, error)) throw tooLarge(maxBytes, error)
    throw error
  }
  if (isUpstreamSizeLimit(source)) throw tooLarge(maxBytes)
  if (counter.bytes === 0) throw new ParleyError(ErrorCode.MediaBadType, 'The file is empty.')
  return counter.hash.digest()
}

async function sniff(partPath: string): Promise<{ extension: string; type: MediaType }> {
  const detected = await fileTypeFromFile(partPath)
  const type = detected ? mediaTypeForExtension(detected.ext) : null
  if (!detected || !type || type.kind === 'other') {
    throw new ParleyError(
      ErrorCode.MediaBadType,
      detected
        ? `Files of type ${detected.mime} are not accepted.`
        : 'The file is not a recognised audio, video or image file.',
      { detected: detected?.mime ?? null },
    )
  }
  return { extension: detected.ext, type }
}

/** Links the part file to a fresh name (never replacing an existing file) and returns that name. */
async function publish(realDir: string, partPath: string, stem: string, extension: string): Promise<string> {
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const name = `${stem}-${randomBytes(4).toString('hex')}.${extension}`
    if (!isSafeMediaName(name)) throw new Error(`generated an unsafe media name: ${JSON.stringify(name)}`)
    const finalPath = join(realDir, name)
    try {
      await link(partPath, finalPath)
      await unlink(partPath)
      return name
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error
      // A file system without hard links: fall back to rename after checking the name is free.
      if (
        await stat(finalPath).then(
          () => true,
          () => false,
        )
      )
        continue
      await rename(partPath, finalPath)
      return name
    }
  }
  throw new Error('could not find a free media name')
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export async function storeUpload(options: StoreUploadOptions): Promise<StoredUpload> {
  const { realDir, maxBytes } = options
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`)
  const partPath = join(realDir, `.upload-${randomUUID()}.part`)
  let published = false
  try {
    const digest = await writePart(partPath, options)
    const { extension, type } = await sniff(partPath)
    const name = await publish(realDir, partPath, sanitiseStem(options.clientFileName), extension)
    published = true
    await syncDirectory(realDir)
    const path = join(realDir, name)
    options.etags.remember(identityOf(await stat(path, { bigint: true })), digest)
    return { name, path, type }
  } finally {
    if (!published) await unlink(partPath).catch(() => {})
  }
}
