import { once } from 'node:events'
import { mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { ErrorCode, isParleyError } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { evaluatePreconditions, ifRangeAllowsRange } from '../src/media/conditional.js'
import { mediaTypeForName } from '../src/media/content-type.js'
import { formatHttpDate, parseHttpDate } from '../src/media/http-date.js'
import { isSafeMediaName, resolveInside } from '../src/media/names.js'
import { planRange } from '../src/media/range.js'
import { sanitiseStem } from '../src/media/upload.js'
import { buildMediaApp, createMediaSandbox, DATA_SIZE, type MediaSandbox, REPO_MEDIA } from './media-fixtures.js'

describe('media names', () => {
  it.each([
    ['sample-tone.wav', true],
    ['My Song (live).mp3', true],
    ['café.ogg', true],
    ['50%.mp3', true], // a literal percent sign, not an escape
    ['..', false],
    ['.', false],
    ['.hidden.mp4', false],
    ['.upload-1234.part', false],
    ['../canary.txt', false],
    ['a/b.wav', false],
    ['a\\b.wav', false],
    ['..\\canary.txt', false],
    ['/etc/passwd', false],
    ['..%2fcanary.txt', false],
    ['..%2Fcanary.txt', false],
    ['%2e%2e%2fcanary.txt', false],
    ['%2e%2e', false],
    ['%252e%252e%252fcanary.txt', false], // double-encoded: still caught
    ['%2fetc%2fpasswd', false],
    ['a%5cb.wav', false],
    ['sample.wav\u0000.mp4', false],
    ['sample.wav%00', false],
    ['tab\there.wav', false],
    ['', false],
    [`${'a'.repeat(251)}.wav`, true],
    [`${'a'.repeat(252)}.wav`, false],
    [`${'é'.repeat(126)}.wa`, true], // 255 bytes
    [`${'é'.repeat(127)}.wa`, false], // 130 characters, but 257 bytes
  ])('isSafeMediaName(%j) is %s', (name, safe) => {
    expect(isSafeMediaName(name)).toBe(safe)
  })
})

describe('media content types', () => {
  it.each([
    ['a.wav', 'audio/wav', 'audio'],
    ['a.MP3', 'audio/mpeg', 'audio'],
    ['a.ogg', 'audio/ogg', 'audio'],
    ['a.oga', 'audio/ogg', 'audio'],
    ['a.opus', 'audio/ogg', 'audio'],
    ['a.flac', 'audio/flac', 'audio'],
    ['a.m4a', 'audio/mp4', 'audio'],
    ['a.mp4', 'video/mp4', 'video'],
    ['a.webm', 'video/webm', 'video'],
    ['a.mov', 'video/quicktime', 'video'],
    ['a.png', 'image/png', 'image'],
    ['a.jpg', 'image/jpeg', 'image'],
    ['a.jpeg', 'image/jpeg', 'image'],
    ['a.gif', 'image/gif', 'image'],
    ['a.webp', 'image/webp', 'image'],
    ['a.html', 'application/octet-stream', 'other'],
    ['a.svg', 'application/octet-stream', 'other'],
    ['noextension', 'application/octet-stream', 'other'],
    ['trailingdot.', 'application/octet-stream', 'other'],
    ['a.constructor', 'application/octet-stream', 'other'],
  ])('%s is served as %s', (name, contentType, kind) => {
    expect(mediaTypeForName(name)).toEqual({ contentType, kind })
  })
})

describe('HTTP dates', () => {
  const ms = Date.UTC(1994, 10, 6, 8, 49, 37)
  it('formats IMF-fixdate and drops fractions of a second', () => {
    expect(formatHttpDate(ms + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT')
  })
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', ms],
    ['Sunday, 06-Nov-94 08:49:37 GMT', ms],
    ['Sun Nov  6 08:49:37 1994', ms],
    ['1994', null],
    ['Sun, 31 Feb 1994 08:49:37 GMT', null],
    ['yesterday', null],
    ['Sun, 06 Nov 1994 08:49:37 UTC', null],
  ])('parses %j as %s', (text, expected) => {
    expect(parseHttpDate(text)).toBe(expected)
  })
})

describe('range planning (RFC 9110 §14) for a 10 000-byte file', () => {
  it.each([
    ['bytes=0-499', { kind: 'partial', start: 0, end: 499 }],
    ['bytes=500-999', { kind: 'partial', start: 500, end: 999 }],
    ['bytes=9500-', { kind: 'partial', start: 9500, end: 9999 }],
    ['bytes=-500', { kind: 'partial', start: 9500, end: 9999 }],
    ['bytes=-20000', { kind: 'partial', start: 0, end: 9999 }],
    ['bytes=0-0', { kind: 'partial', start: 0, end: 0 }],
    ['bytes=0-1', { kind: 'partial', start: 0, end: 1 }],
    ['bytes=9999-9999', { kind: 'partial', start: 9999, end: 9999 }],
    ['bytes=9000-20000', { kind: 'partial', start: 9000, end: 9999 }],
    ['bytes=0-99999999999999999999999', { kind: 'partial', start: 0, end: 9999 }],
    ['BYTES=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes= 0-9 ,', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=0-1,2-3', { kind: 'partial', start: 0, end: 3 }],
    ['bytes=0-100,50-150', { kind: 'partial', start: 0, end: 150 }],
    ['bytes=0-9,10000-', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=10000-', { kind: 'unsatisfiable' }],
    ['bytes=20000-30000', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=0-10,20-30', { kind: 'whole' }],
    ['bytes=5-2', { kind: 'whole' }],
    ['bytes=abc', { kind: 'whole' }],
    ['items=0-5', { kind: 'whole' }],
    ['0-5', { kind: 'whole' }],
    ['bytes=', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
    ['bytes=1-2-3', { kind: 'whole' }],
    ['bytes=--5', { kind: 'whole' }],
    ['bytes=0x10-20', { kind: 'whole' }],
    ['bytes=1.5-2', { kind: 'whole' }],
    [`bytes=${Array.from({ length: 65 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`, { kind: 'whole' }],
  ])('%s → %j', (header, plan) => {
    expect(planRange(header, DATA_SIZE)).toEqual(plan)
  })

  it('ignores any Range on an empty file (no 416 loop)', () => {
    expect(planRange('bytes=0-', 0)).toEqual({ kind: 'whole' })
    expect(planRange('bytes=-1', 0)).toEqual({ kind: 'whole' })
  })
})

describe('conditional requests (RFC 9110 §13)', () => {
  const v = { etag: '"abc"', lastModifiedMs: Date.UTC(2024, 0, 2, 3, 4, 5) }
  const lm = formatHttpDate(v.lastModifiedMs)
  const earlier = formatHttpDate(v.lastModifiedMs - 1000)
  const later = formatHttpDate(v.lastModifiedMs + 1000)
  it.each([
    [{}, 'proceed'],
    [{ 'if-none-match': '"abc"' }, 'not-modified'],
    [{ 'if-none-match': 'W/"abc"' }, 'not-modified'],
    [{ 'if-none-match': '"x", "abc"' }, 'not-modified'],
    [{ 'if-none-match': '"a,b", W/"abc"' }, 'not-modified'],
    [{ 'if-none-match': '*' }, 'not-modified'],
    [{ 'if-none-match': '"other"' }, 'proceed'],
    [{ 'if-none-match': '"other"', 'if-modified-since': later }, 'proceed'], // INM wins over IMS
    [{ 'if-modified-since': lm }, 'not-modified'],
    [{ 'if-modified-since': later }, 'not-modified'],
    [{ 'if-modified-since': earlier }, 'proceed'],
    [{ 'if-modified-since': 'not a date' }, 'proceed'],
    [{ 'if-match': '"abc"' }, 'proceed'],
    [{ 'if-match': '*' }, 'proceed'],
    [{ 'if-match': 'W/"abc"' }, 'failed'], // If-Match compares strongly
    [{ 'if-match': '"other"' }, 'failed'],
    [{ 'if-unmodified-since': earlier }, 'failed'],
    [{ 'if-unmodified-since': lm }, 'proceed'],
    [{ 'if-match': '"abc"', 'if-unmodified-since': earlier }, 'proceed'], // IUS ignored with If-Match
  ])('%j → %s', (headers, outcome) => {
    expect(evaluatePreconditions(headers, v)).toBe(outcome)
  })

  it.each([
    [undefined, true],
    ['"abc"', true],
    ['W/"abc"', false],
    ['"stale"', false],
    [lm, true],
    [earlier, false],
    [later, false],
    ['garbage', false],
  ])('If-Range %j allows the range: %s', (ifRange, allowed) => {
    expect(ifRangeAllowsRange(ifRange, v)).toBe(allowed)
  })
})

describe('media library (listing, resolving, serving through inject)', () => {
  let box: MediaSandbox
  let app: FastifyInstance
  beforeEach(async () => {
    box = await createMediaSandbox()
    app = buildMediaApp(box.library)
    await app.ready()
  })
  afterEach(async () => {
    await app.close()
    await box.cleanup()
  })

  const get = (name: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
    app.inject({ method, url: `/media/${name}`, headers })

  it('lists media files by name, without dot-files, folders, symlinks leaving the folder or files it cannot play or show', async () => {
    await writeFile(join(box.mediaDir, '.hidden.mp4'), 'x')
    await writeFile(join(box.mediaDir, '.upload-123.part'), 'x')
    await mkdir(join(box.mediaDir, 'folder.mp4'))
    await symlink(box.canaryPath, join(box.mediaDir, 'escape.mp4'))
    await symlink(join(box.mediaDir, 'sample-tone.wav'), join(box.mediaDir, 'alias.wav'))
    await writeFile(join(box.mediaDir, 'notes.txt'), 'hello')
    await writeFile(join(box.mediaDir, 'README.md'), '# Media')
    await writeFile(join(box.mediaDir, 'page.html'), '<p>x</p>')
    await writeFile(join(box.mediaDir, 'noextension'), 'x')
    await writeFile(join(box.mediaDir, 'picture.png'), 'x')
    const files = await box.library.list()
    expect(files.map((f) => f.name)).toEqual([
      'alias.wav',
      'data.mp4',
      'picture.png',
      'sample-clip.mp4',
      'sample-tone.wav',
    ])
    const tone = files.find((f) => f.name === 'sample-tone.wav')!
    const toneStats = await stat(join(REPO_MEDIA, 'sample-tone.wav'))
    expect(tone).toMatchObject({ size: toneStats.size, contentType: 'audio/wav', kind: 'audio' })
    expect(tone.mtimeMs).toBeGreaterThan(0)
    expect(files.find((f) => f.name === 'sample-clip.mp4')).toMatchObject({ contentType: 'video/mp4', kind: 'video' })
    expect(files.find((f) => f.name === 'picture.png')).toMatchObject({ contentType: 'image/png', kind: 'image' })
    // Not listed, yet still served by name (as a download).
    expect((await box.library.resolve('README.md'))?.file).toMatchObject({ kind: 'other' })
  })

  it('lists nothing (instead of failing) when the media folder is missing', async () => {
    await box.cleanup()
    expect(await box.library.list()).toEqual([])
    expect(await box.library.resolve('data.mp4')).toBeNull()
    expect((await get('data.mp4')).statusCode).toBe(404)
  })

  it('resolves good names and refuses traversal, dot-files, folders and symlinks out', async () => {
    await symlink(box.canaryPath, join(box.mediaDir, 'escape.mp4'))
    await symlink('../canary.txt', join(box.mediaDir, 'relative-escape.mp4'))
    await mkdir(join(box.mediaDir, '.secret'))
    await writeFile(join(box.mediaDir, '.secret', 'inner.mp4'), 'x')
    await symlink(join(box.mediaDir, '.secret', 'inner.mp4'), join(box.mediaDir, 'into-dot-folder.mp4'))
    const resolved = await box.library.resolve('data.mp4')
    expect(resolved?.file).toMatchObject({ name: 'data.mp4', size: DATA_SIZE, contentType: 'video/mp4' })
    for (const name of [
      '../canary.txt',
      box.canaryPath,
      '..%2fcanary.txt',
      'escape.mp4',
      'relative-escape.mp4',
      'into-dot-folder.mp4',
      '.secret',
      'missing.mp4',
      'data.mp4\u0000',
    ]) {
      expect(await box.library.resolve(name), name).toBeNull()
    }
    expect(await resolveInside(box.mediaDir, '.')).toBeNull()
    expect(await resolveInside(box.mediaDir, '')).toBeNull()
  })

  it('serves a whole file with type, length, validators and cache headers', async () => {
    const res = await get('data.mp4')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('video/mp4')
    expect(res.headers['content-length']).toBe(String(DATA_SIZE))
    expect(res.headers['accept-ranges']).toBe('bytes')
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(res.headers['last-modified']).toBe(formatHttpDate((await stat(join(box.mediaDir, 'data.mp4'))).mtimeMs))
    expect(res.headers['cache-control']).toBe('private, no-cache')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.rawPayload.equals(box.data)).toBe(true)
  })

  it('serves the sample WAV and MP4 with their real types', async () => {
    for (const [name, type] of [
      ['sample-tone.wav', 'audio/wav'],
      ['sample-clip.mp4', 'video/mp4'],
    ] as const) {
      const res = await get(name)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe(type)
      expect(res.rawPayload.equals(await readFile(join(REPO_MEDIA, name)))).toBe(true)
    }
  })

  it('uses the configured Cache-Control', async () => {
    const publicBox = await createMediaSandbox({ cacheControl: 'public, max-age=0, must-revalidate' })
    const other = buildMediaApp(publicBox.library)
    const res = await other.inject({ url: '/media/data.mp4' })
    expect(res.headers['cache-control']).toBe('public, max-age=0, must-revalidate')
    await other.close()
    await publicBox.cleanup()
  })

  it('gives the same strong ETag for the same bytes and a new one when the content changes', async () => {
    const first = (await get('data.mp4')).headers.etag
    expect((await get('data.mp4')).headers.etag).toBe(first)
    // Same content under another name and inode: same tag (content hash, stable across instances).
    await writeFile(join(box.mediaDir, 'copy.mp4'), box.data)
    expect((await get('copy.mp4')).headers.etag).toBe(first)
    // Same size, new bytes, even with the old mtime put back: a new tag.
    const path = join(box.mediaDir, 'data.mp4')
    const before = await stat(path)
    const changed = Buffer.from(box.data)
    changed[0] = changed[0]! ^ 0xff
    await writeFile(path, changed)
    await utimes(path, before.atime, new Date(before.mtimeMs + 5000))
    const second = await get('data.mp4')
    expect(second.headers.etag).not.toBe(first)
    expect(second.rawPayload.equals(changed)).toBe(true)
  })

  it('answers HEAD with the GET headers and no body (Range ignored for HEAD)', async () => {
    const full = await get('data.mp4')
    for (const headers of [{} as Record<string, string>, { range: 'bytes=0-1' }]) {
      const res = await get('data.mp4', headers, 'HEAD')
      expect(res.statusCode).toBe(200)
      expect(res.rawPayload.length).toBe(0)
      for (const h of ['content-type', 'content-length', 'etag', 'last-modified', 'accept-ranges', 'cache-control']) {
        expect(res.headers[h], h).toBe(full.headers[h])
      }
      expect(res.headers['content-range']).toBeUndefined()
    }
  })

  it('keeps HEAD right when the route registers GET and HEAD explicitly', async () => {
    const explicit = buildMediaApp(box.library, { exposeHeadRoutes: false })
    explicit.head<{ Params: { name: string } }>('/media/:name', (request, reply) =>
      box.library.send(request, reply, request.params.name),
    )
    const res = await explicit.inject({ method: 'HEAD', url: '/media/data.mp4' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-length']).toBe(String(DATA_SIZE))
    expect(res.rawPayload.length).toBe(0)
    await explicit.close()
  })

  it('answers 304 to a matching If-None-Match (strong, weak, list, *) with validators and no body', async () => {
    const { etag, 'last-modified': lastModified } = (await get('data.mp4')).headers
    for (const inm of [etag!, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await get('data.mp4', { 'if-none-match': inm })
      expect(res.statusCode, inm).toBe(304)
      expect(res.rawPayload.length).toBe(0)
      expect(res.headers.etag).toBe(etag)
      expect(res.headers['last-modified']).toBe(lastModified)
      expect(res.headers['cache-control']).toBe('private, no-cache')
      expect(res.headers['content-length']).toBeUndefined()
    }
    const head = await get('data.mp4', { 'if-none-match': etag! }, 'HEAD')
    expect(head.statusCode).toBe(304)
    const miss = await get('data.mp4', { 'if-none-match': '"nope"' })
    expect(miss.statusCode).toBe(200)
    expect(miss.rawPayload.equals(box.data)).toBe(true)
  })

  it('answers 304 to If-Modified-Since only without If-None-Match', async () => {
    const lastModified = (await get('data.mp4')).headers['last-modified'] as string
    expect((await get('data.mp4', { 'if-modified-since': lastModified })).statusCode).toBe(304)
    const earlier = formatHttpDate(Date.parse(lastModified) - 60_000)
    expect((await get('data.mp4', { 'if-modified-since': earlier })).statusCode).toBe(200)
    expect((await get('data.mp4', { 'if-modified-since': lastModified, 'if-none-match': '"nope"' })).statusCode).toBe(
      200,
    )
    expect((await get('data.mp4', { 'if-modified-since': 'garbage' })).statusCode).toBe(200)
  })

  it('answers 412 when If-Match or If-Unmodified-Since fails', async () => {
    const { etag, 'last-modified': lastModified } = (await get('data.mp4')).headers
    expect((await get('data.mp4', { 'if-match': '"nope"' })).statusCode).toBe(412)
    expect((await get('data.mp4', { 'if-match': etag! })).statusCode).toBe(200)
    const earlier = formatHttpDate(Date.parse(lastModified as string) - 60_000)
    expect((await get('data.mp4', { 'if-unmodified-since': earlier })).statusCode).toBe(412)
  })

  it('serves ranges with 206, Content-Range and exactly the requested bytes', async () => {
    const res = await get('data.mp4', { range: 'bytes=100-199' })
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-range']).toBe(`bytes 100-199/${DATA_SIZE}`)
    expect(res.headers['content-length']).toBe('100')
    expect(res.headers['content-type']).toBe('video/mp4')
    expect(res.headers.etag).toMatch(/^"/)
    expect(res.rawPayload.equals(box.data.subarray(100, 200))).toBe(true)
  })

  it('answers an unsatisfiable range with 416 and bytes */size', async () => {
    const res = await get('data.mp4', { range: `bytes=${DATA_SIZE}-` })
    expect(res.statusCode).toBe(416)
    expect(res.headers['content-range']).toBe(`bytes */${DATA_SIZE}`)
    expect(res.rawPayload.length).toBe(0)
  })

  it('honours If-Range only with the current strong ETag or the exact Last-Modified date', async () => {
    const { etag, 'last-modified': lastModified } = (await get('data.mp4')).headers
    const range = 'bytes=10-19'
    const cases: [string, number][] = [
      [etag!, 206],
      [`W/${etag}`, 200],
      ['"stale"', 200],
      [lastModified as string, 206],
      [formatHttpDate(Date.parse(lastModified as string) - 1000), 200],
    ]
    for (const [ifRange, status] of cases) {
      const res = await get('data.mp4', { range, 'if-range': ifRange })
      expect(res.statusCode, ifRange).toBe(status)
      expect(res.rawPayload.equals(status === 206 ? box.data.subarray(10, 20) : box.data)).toBe(true)
    }
  })

  it('serves an empty file as 200 with no body, whatever the Range', async () => {
    await writeFile(join(box.mediaDir, 'empty.wav'), '')
    for (const headers of [
      {} as Record<string, string>,
      { range: 'bytes=0-' },
      { range: 'bytes=0-1' },
      { range: 'bytes=-5' },
    ]) {
      const res = await get('empty.wav', headers)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-length']).toBe('0')
      expect(res.rawPayload.length).toBe(0)
    }
  })

  it('sends 404 through the not-found handler for bad names, folders and escaping symlinks', async () => {
    await mkdir(join(box.mediaDir, 'folder.mp4'))
    await symlink(box.canaryPath, join(box.mediaDir, 'escape.mp4'))
    for (const url of [
      '/media/missing.mp4',
      '/media/folder.mp4',
      '/media/escape.mp4',
      '/media/..%2fcanary.txt',
      '/media/%2e%2e%2fcanary.txt',
      '/media/..%5ccanary.txt',
      '/media/data.mp4%00',
      `/media/${encodeURIComponent(box.canaryPath)}`,
    ]) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(404)
      expect(res.body, url).toBe('not found')
    }
  })
})

describe('media uploads (library.store)', () => {
  let box: MediaSandbox
  beforeEach(async () => {
    box = await createMediaSandbox()
  })
  afterEach(() => box.cleanup())

  const filesIn = (dir: string) => readdir(dir).then((names) => names.sort())
  const MB = 1024 * 1024

  it('accepts a real WAV under a fresh name with the sniffed extension, and serves it', async () => {
    const bytes = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
    const before = await filesIn(box.mediaDir)
    const file = await box.library.store(Readable.from([bytes]), 'My Tone!.bin', MB)
    expect(file.name).toMatch(/^My-Tone-[0-9a-f]{8}\.wav$/)
    expect(file).toMatchObject({ size: bytes.length, contentType: 'audio/wav', kind: 'audio' })
    expect(await filesIn(box.mediaDir)).toEqual([...before, file.name].sort()) // no partial file left behind
    expect((await readFile(join(box.mediaDir, file.name))).equals(bytes)).toBe(true)
    const listed = await box.library.list()
    expect(listed.map((f) => f.name)).toContain(file.name)

    const app = buildMediaApp(box.library)
    const res = await app.inject({ url: `/media/${file.name}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('audio/wav')
    expect(res.rawPayload.equals(bytes)).toBe(true)
    await app.close()
  })

  it('seeds the ETag with the hash computed during the upload (same tag as a fresh hash)', async () => {
    const bytes = await readFile(join(REPO_MEDIA, 'sample-clip.mp4'))
    const file = await box.library.store(Readable.from([bytes]), 'clip.mp4', MB)
    const app = buildMediaApp(box.library)
    const uploaded = await app.inject({ url: `/media/${file.name}` })
    const original = await app.inject({ url: '/media/sample-clip.mp4' })
    expect(uploaded.headers.etag).toBe(original.headers.etag)
    await app.close()
  })

  it('rejects a text file named evil.mp4 as MediaBadType and leaves nothing behind', async () => {
    const before = await filesIn(box.mediaDir)
    const error = await box.library
      .store(Readable.from([Buffer.from('<script>alert(1)</script>\n'.repeat(100))]), 'evil.mp4', MB)
      .catch((e: unknown) => e)
    expect(isParleyError(error) && error.code).toBe(ErrorCode.MediaBadType)
    expect(await filesIn(box.mediaDir)).toEqual(before)
  })

  it('rejects an empty file and a non-media type (a ZIP) as MediaBadType', async () => {
    const empty = await box.library.store(Readable.from([]), 'empty.wav', MB).catch((e: unknown) => e)
    expect(isParleyError(empty) && empty.code).toBe(ErrorCode.MediaBadType)
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200)])
    const zipError = await box.library.store(Readable.from([zip]), 'archive.wav', MB).catch((e: unknown) => e)
    expect(isParleyError(zipError) && zipError.code).toBe(ErrorCode.MediaBadType)
  })

  it('rejects an upload over the limit as MediaTooLarge while streaming, leaving no partial file', async () => {
    const before = await filesIn(box.mediaDir)
    const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
    // An endless source: the limit must stop it, not its end.
    let produced = 0
    const endless = new Readable({
      read() {
        produced += wav.length
        this.push(wav)
      },
    })
    const error = await box.library.store(endless, 'big.wav', 100_000).catch((e: unknown) => e)
    expect(isParleyError(error) && error.code).toBe(ErrorCode.MediaTooLarge)
    expect(isParleyError(error) && error.details.maxBytes).toBe(100_000)
    expect(produced).toBeLessThan(10 * MB)
    expect(await filesIn(box.mediaDir)).toEqual(before)
  })

  it('accepts a file of exactly maxBytes', async () => {
    const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
    const file = await box.library.store(Readable.from([wav]), 'exact.wav', wav.length)
    expect(file.size).toBe(wav.length)
  })

  it("maps @fastify/multipart's truncated file (its own fileSize limit) to MediaTooLarge", async () => {
    const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
    const source = Object.assign(new PassThrough(), { truncated: false })
    const stored = box.library.store(source, 'cut.wav', 10 * MB).catch((e: unknown) => e)
    source.end(wav.subarray(0, 50_000))
    await once(source, 'end')
    source.truncated = true
    const error = await stored
    expect(isParleyError(error) && error.code).toBe(ErrorCode.MediaTooLarge)
    expect((await filesIn(box.mediaDir)).filter((n) => n.startsWith('cut') || n.startsWith('.'))).toEqual([])
  })

  it('never lets the client file name choose the path', async () => {
    const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
    for (const clientName of [
      '../../x.wav',
      '..\\..\\x.wav',
      '/etc/passwd',
      '.htaccess',
      '\u0000.wav',
      '',
      '....wav',
    ]) {
      const file = await box.library.store(Readable.from([wav]), clientName, MB)
      expect(file.name, clientName).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*-[0-9a-f]{8}\.wav$/)
      expect(isSafeMediaName(file.name)).toBe(true)
    }
    expect((await readdir(box.root)).sort()).toEqual(['canary.txt', 'media'])
    expect((await readdir(box.mediaDir)).filter((n) => n.startsWith('.'))).toEqual([])
  })

  it('rejects a nonsensical maxBytes', async () => {
    await expect(box.library.store(Readable.from([]), 'x.wav', 0)).rejects.toThrow(RangeError)
  })

  it.each([
    ['../../x.wav', 'x'],
    ['C:\\Users\\me\\Song Title.mp3', 'Song-Title'],
    ['café olé.ogg', 'cafe-ole'],
    ['.htaccess', 'htaccess'],
    ['', 'upload'],
    ['%%%.wav', 'upload'],
    [`${'x'.repeat(100)}.wav`, 'x'.repeat(48)],
  ])('sanitiseStem(%j) is %j', (clientName, stem) => {
    expect(sanitiseStem(clientName)).toBe(stem)
  })
})
