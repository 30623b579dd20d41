/**
 * The media library remembers resolved names for a short while (names.ts `createResolvedNames`) and
 * ETags by file identity (etag.ts). These tests replace, delete and re-point files right after they
 * were served, so the remembered path is still fresh, and check that no response is stale or mixes
 * an old file's bytes, size or validators with the new one — including a response already streaming
 * when the file is replaced (real TLS, HTTP/2).
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { type Http2SecureServer, connect as http2Connect } from 'node:http2'
import { join } from 'node:path'
import { ensureCerts } from '@parley/certs'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMediaLibrary } from '../src/media/index.js'
import { createResolvedNames } from '../src/media/names.js'
import { buildMediaApp, createMediaSandbox, type MediaSandbox, registerMediaRoute } from './media-fixtures.js'

let box: MediaSandbox
let app: FastifyInstance

/** Writes `bytes` beside the file and renames it over `name`, as uploads and deploy tools do (a new inode). */
async function replace(name: string, bytes: Buffer): Promise<void> {
  const temporary = join(box.mediaDir, `.next-${name}`)
  await writeFile(temporary, bytes)
  await rename(temporary, join(box.mediaDir, name))
}

describe('remembered names (inject)', () => {
  // A long lifetime, so every check below runs while the name is remembered.
  beforeEach(async () => {
    box = await createMediaSandbox({ resolvedNameTtlMs: 60_000 })
    app = buildMediaApp(box.library)
    await app.ready()
  })
  afterEach(async () => {
    await app.close()
    await box.cleanup()
  })
  const get = (name: string, headers: Record<string, string> = {}) => app.inject({ url: `/media/${name}`, headers })

  it('serves a replaced file whole, with its own length and ETag, never the old bytes', async () => {
    const old = await get('data.mp4')
    expect(old.rawPayload.equals(box.data)).toBe(true)
    const next = randomBytes(7_000)
    await replace('data.mp4', next)
    const whole = await get('data.mp4')
    expect(whole.rawPayload.equals(next)).toBe(true)
    expect(whole.headers['content-length']).toBe('7000')
    expect(whole.headers.etag).not.toBe(old.headers.etag)
    // A client resuming the old file with If-Range gets the whole new file, not a splice.
    const resumed = await get('data.mp4', { range: 'bytes=5000-', 'if-range': String(old.headers.etag) })
    expect(resumed.statusCode).toBe(200)
    expect(resumed.rawPayload.equals(next)).toBe(true)
    const range = await get('data.mp4', { range: 'bytes=6990-9999' })
    expect(range.statusCode).toBe(206)
    expect(range.headers['content-range']).toBe('bytes 6990-6999/7000')
    expect(range.rawPayload.equals(next.subarray(6990))).toBe(true)
    // The old validator no longer matches.
    expect((await get('data.mp4', { 'if-none-match': String(old.headers.etag) })).statusCode).toBe(200)
  })

  it('answers 404 at once for a deleted file, and serves it again when it comes back', async () => {
    expect((await get('data.mp4')).statusCode).toBe(200)
    await unlink(join(box.mediaDir, 'data.mp4'))
    expect((await get('data.mp4')).statusCode).toBe(404)
    const back = randomBytes(100)
    await writeFile(join(box.mediaDir, 'data.mp4'), back)
    expect((await get('data.mp4')).rawPayload.equals(back)).toBe(true)
  })

  it('treats a file swapped for a symlink like a fresh name: outside → 404, inside → its target', async () => {
    expect((await get('data.mp4')).statusCode).toBe(200)
    await unlink(join(box.mediaDir, 'data.mp4'))
    await symlink(box.canaryPath, join(box.mediaDir, 'data.mp4'))
    const escaped = await get('data.mp4')
    expect(escaped.statusCode).toBe(404)
    expect(escaped.body).not.toContain(box.canary)
    await unlink(join(box.mediaDir, 'data.mp4'))
    await symlink(join(box.mediaDir, 'sample-tone.wav'), join(box.mediaDir, 'data.mp4'))
    const tone = await get('sample-tone.wav')
    expect((await get('data.mp4')).rawPayload.equals(tone.rawPayload)).toBe(true)
  })

  it('follows a symlink that is re-pointed (symlinked names are not remembered)', async () => {
    await symlink('sample-tone.wav', join(box.mediaDir, 'alias.wav'))
    const tone = await get('sample-tone.wav')
    expect((await get('alias.wav')).rawPayload.equals(tone.rawPayload)).toBe(true)
    await unlink(join(box.mediaDir, 'alias.wav'))
    await symlink('data.mp4', join(box.mediaDir, 'alias.wav'))
    expect((await get('alias.wav')).rawPayload.equals(box.data)).toBe(true)
  })

  it('invalidate() makes the next request resolve the name again (here: a re-pointed media folder)', async () => {
    // The library's folder is a symlink, as deployments often have; re-pointing it changes every real path.
    const first = join(box.root, 'release-1')
    const second = join(box.root, 'release-2')
    const link = join(box.root, 'current')
    await mkdir(first)
    await mkdir(second)
    await writeFile(join(first, 'clip.mp4'), 'first release')
    await writeFile(join(second, 'clip.mp4'), 'second release')
    await symlink(first, link)
    const library = createMediaLibrary(link, { resolvedNameTtlMs: 60_000 })
    const linked = buildMediaApp(library)
    try {
      const clip = async () => (await linked.inject({ url: '/media/clip.mp4' })).body
      expect(await clip()).toBe('first release')
      await symlink(second, `${link}.next`)
      await rename(`${link}.next`, link)
      // Within the lifetime the remembered path (inside release-1) is still used...
      expect(await clip()).toBe('first release')
      // ...until the name is invalidated.
      library.invalidate('clip.mp4')
      expect(await clip()).toBe('second release')
    } finally {
      await linked.close()
    }
  })
})

describe('a file replaced while a response streams (HTTP/2 over TLS)', () => {
  let server: FastifyInstance<Http2SecureServer>
  let certDir: string
  afterEach(async () => {
    await server?.close()
    await box.cleanup()
    await rm(certDir, { recursive: true, force: true })
  })

  it('finishes the response with the old bytes only, and the next one has only the new bytes', async () => {
    box = await createMediaSandbox({ resolvedNameTtlMs: 60_000 })
    certDir = join(box.root, 'certs')
    const certs = await ensureCerts(certDir)
    server = Fastify({ http2: true, https: { allowHTTP1: true, key: certs.key, cert: certs.cert }, logger: false })
    registerMediaRoute(server, box.library)
    await server.listen({ port: 0, host: '127.0.0.1' })
    const port = (server.server.address() as { port: number }).port
    const size = 4 * 1024 * 1024
    const before = randomBytes(size)
    const after = randomBytes(size)
    await replace('big.mp4', before)

    const session = http2Connect(`https://localhost:${port}`, { ca: certs.ca })
    try {
      const fetch = async (headers: Record<string, string> = {}) => {
        const stream = session.request({ ':path': '/media/big.mp4', ...headers })
        const [head] = (await once(stream, 'response')) as [Record<string, string>]
        return { head, stream }
      }
      const warm = await fetch()
      warm.stream.resume()
      await once(warm.stream, 'end')
      const first = await fetch()
      first.stream.pause() // the flow-control window stops the server long before 4 MiB
      await replace('big.mp4', after)
      const second = await fetch()
      const read = async (stream: typeof first.stream) => {
        const chunks: Buffer[] = []
        for await (const chunk of stream) chunks.push(chunk as Buffer)
        return Buffer.concat(chunks)
      }
      const [oldBody, newBody] = await Promise.all([read(first.stream), read(second.stream)])
      expect(oldBody.equals(before)).toBe(true)
      expect(newBody.equals(after)).toBe(true)
      expect(first.head.etag).toBe(warm.head.etag)
      expect(second.head.etag).not.toBe(first.head.etag)
    } finally {
      session.close()
    }
  })
})

describe('createResolvedNames', () => {
  it('forgets a name after its lifetime, on request, and beyond the size bound', () => {
    const clock = { now: 0 }
    const names = createResolvedNames({ ttlMs: 100, maxEntries: 2, now: () => clock.now })
    names.set('a', '/m/a')
    expect(names.get('a')).toBe('/m/a')
    clock.now = 100
    expect(names.get('a')).toBeUndefined()
    names.set('a', '/m/a')
    names.forget('a')
    expect(names.get('a')).toBeUndefined()
    for (const name of ['a', 'b', 'c']) names.set(name, `/m/${name}`)
    expect([names.get('a'), names.get('b'), names.get('c')]).toEqual([undefined, '/m/b', '/m/c'])
  })

  it('keeps nothing with a lifetime of 0', () => {
    const names = createResolvedNames({ ttlMs: 0, maxEntries: 2 })
    names.set('a', '/m/a')
    expect(names.get('a')).toBeUndefined()
  })
})
