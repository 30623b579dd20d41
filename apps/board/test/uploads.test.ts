/** The media pages and upload route (the streaming itself is covered by media*.test.ts). */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, ORIGIN, REPO_MEDIA, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client
let wav: Buffer

beforeAll(async () => {
  board = await createTestBoard({ sampleMedia: true, env: { MAX_UPLOAD_BYTES: '200000' } })
  alice = new Client(board.app)
  await alice.register('alice', 'alice password')
  wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))
})
afterAll(async () => {
  await board?.close()
})

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer }

function multipart(parts: Part[]) {
  const boundary = '----parley-test-boundary'
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}`
        : `form-data; name="${part.name}"`
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`))
    chunks.push('filename' in part ? part.data : Buffer.from(part.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

function upload(client: Client, parts: Part[], headers: Record<string, string> = {}) {
  const { payload, contentType } = multipart(parts)
  return client.request({
    method: 'POST',
    url: '/media',
    payload,
    headers: { 'content-type': contentType, origin: ORIGIN, 'sec-fetch-site': 'same-origin', ...headers },
  })
}

async function mediaFiles(): Promise<string[]> {
  return (await readdir(board.config.mediaDir)).sort()
}

describe('media page', () => {
  it('lists the files with type, size and players, publicly', async () => {
    const anonymous = new Client(board.app)
    const response = await anonymous.get('/media')
    expect(response.statusCode).toBe(200)
    const html = response.body
    expect(html).toContain('<a class="media-name" href="/media/sample-clip.mp4">sample-clip.mp4</a>')
    expect(html).toContain('<span class="media-type">video/mp4</span>')
    expect(html).toContain('<span class="media-type">audio/wav</span>')
    expect(html).toMatch(/<span class="media-size">\d+(\.\d)? KB<\/span>/)
    expect(html).toContain('<video controls preload="metadata" src="/media/sample-clip.mp4"></video>')
    expect(html).toContain('<audio controls preload="metadata" src="/media/sample-tone.wav"></audio>')
    expect(html).toContain('Sign in</a> to upload files.')
    expect(html).not.toContain('enctype="multipart/form-data"')
  })

  it('shows the upload form to signed-in users, CSRF field first', async () => {
    const html = (await alice.get('/media')).body
    const form = /<form method="post" action="\/media" enctype="multipart\/form-data"[\s\S]*?<\/form>/.exec(html)?.[0]
    expect(form).toBeDefined()
    expect(form!.indexOf('name="_csrf"')).toBeLessThan(form!.indexOf('type="file"'))
  })

  it('serves the bytes through the media library, with ranges and HEAD', async () => {
    const whole = await alice.get('/media/sample-tone.wav')
    expect(whole.statusCode).toBe(200)
    expect(whole.headers['content-type']).toBe('audio/wav')
    expect(whole.rawPayload.equals(wav)).toBe(true)
    const part = await alice.get('/media/sample-tone.wav', { range: 'bytes=0-1' })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 0-1/${wav.length}`)
    const head = await alice.request({ method: 'HEAD', url: '/media/sample-clip.mp4' })
    expect(head.statusCode).toBe(200)
    expect(head.headers['accept-ranges']).toBe('bytes')
    expect(head.body).toBe('')
  })

  it('answers 404 pages for missing files and names that try to leave the folder', async () => {
    for (const url of ['/media/missing.mp4', '/media/..%2Fdata%2Fparley.db', '/media/%2e%2e%2fetc%2fpasswd']) {
      const response = await alice.get(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.body).toContain('There is nothing at this address.')
    }
  })
})

describe('upload', () => {
  it('stores a file under a server-chosen name and shows it', async () => {
    const token = await alice.csrfToken('/media')
    const before = await mediaFiles()
    const response = await upload(alice, [
      { name: '_csrf', value: token },
      { name: 'file', filename: '../../evil name.mp4', type: 'video/mp4', data: wav },
    ])
    expect(response.statusCode).toBe(303)
    const location = String(response.headers.location)
    const name = decodeURIComponent(location.replace('/media?uploaded=', ''))
    expect(name).toMatch(/^[A-Za-z0-9_-]+\.wav$/) // named by the sniffed type, not the client's name
    expect(await mediaFiles()).toEqual([...before, name].sort())
    expect((await readFile(join(board.config.mediaDir, name))).equals(wav)).toBe(true)
    const page = (await alice.get(location)).body
    expect(page).toContain(`Uploaded <a href="#media-${name}">${name}</a>.`)
    expect(page).toContain(`<audio controls preload="metadata" src="/media/${name}"></audio>`)
  })

  it('handles a 70,000-character file name without stalling the event loop', async () => {
    const token = await alice.csrfToken('/media')
    const stalls = monitorEventLoopDelay({ resolution: 10 })
    stalls.enable()
    const response = await upload(alice, [
      { name: '_csrf', value: token },
      { name: 'file', filename: `x${'_'.repeat(70_000)}x.wav`, type: 'audio/wav', data: wav },
    ])
    stalls.disable()
    expect(response.statusCode).toBe(303)
    const name = decodeURIComponent(String(response.headers.location).replace('/media?uploaded=', ''))
    expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,47}-[0-9a-f]{8}\.wav$/)
    // Before: the name (within the old 80 KiB part-header limit) reached sanitiseStem whole, and its
    // trimming regex blocked the loop for seconds.
    expect(stalls.max / 1e6).toBeLessThan(500)
  })

  it('accepts the CSRF token in the x-csrf-token header', async () => {
    const token = await alice.csrfToken('/media')
    const response = await upload(alice, [{ name: 'file', filename: 'tone.wav', type: 'audio/wav', data: wav }], {
      'x-csrf-token': token,
    })
    expect(response.statusCode).toBe(303)
  })

  it('refuses an upload without a valid CSRF token, or with the token after the file, writing nothing', async () => {
    const token = await alice.csrfToken('/media')
    const before = await mediaFiles()
    const cases: Part[][] = [
      [{ name: 'file', filename: 'a.wav', type: 'audio/wav', data: wav }],
      [
        { name: '_csrf', value: 'forged.token' },
        { name: 'file', filename: 'a.wav', type: 'audio/wav', data: wav },
      ],
      [
        { name: 'file', filename: 'a.wav', type: 'audio/wav', data: wav },
        { name: '_csrf', value: token },
      ],
    ]
    for (const parts of cases) {
      const response = await upload(alice, parts)
      expect(response.statusCode).toBe(403)
    }
    expect(await mediaFiles()).toEqual(before)
  })

  it('refuses a cross-site upload even with a token', async () => {
    const token = await alice.csrfToken('/media')
    const response = await upload(
      alice,
      [
        { name: '_csrf', value: token },
        { name: 'file', filename: 'a.wav', type: 'audio/wav', data: wav },
      ],
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    )
    expect(response.statusCode).toBe(403)
  })

  it('requires a signed-in user', async () => {
    const anonymous = new Client(board.app)
    const token = await anonymous.csrfToken('/login')
    const response = await upload(anonymous, [
      { name: '_csrf', value: token },
      { name: 'file', filename: 'a.wav', type: 'audio/wav', data: wav },
    ])
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
  })

  it('re-renders the page with the reason for a file that is not media (415) or too large (413)', async () => {
    const before = await mediaFiles()
    const notMedia = await upload(alice, [
      { name: '_csrf', value: await alice.csrfToken('/media') },
      { name: 'file', filename: 'clip.mp4', type: 'video/mp4', data: Buffer.from('<html>not a video</html>') },
    ])
    expect(notMedia.statusCode).toBe(415)
    expect(notMedia.body).toMatch(/<p class="field-error" id="file-error">[^<]+<\/p>/)

    const tooLarge = await upload(alice, [
      { name: '_csrf', value: await alice.csrfToken('/media') },
      { name: 'file', filename: 'big.wav', type: 'audio/wav', data: Buffer.concat([wav, wav]) },
    ])
    expect(tooLarge.statusCode).toBe(413)
    expect(tooLarge.body).toMatch(/<p class="field-error" id="file-error">[^<]*larger[^<]*<\/p>/)
    expect(await mediaFiles()).toEqual(before)
  })

  it('asks for a file when none was chosen', async () => {
    const response = await upload(alice, [
      { name: '_csrf', value: await alice.csrfToken('/media') },
      { name: 'file', filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) },
    ])
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Choose a file to upload.')
  })

  it('refuses a non-multipart body with 400', async () => {
    const response = await alice.post('/media', { _csrf: await alice.csrfToken('/media') })
    expect(response.statusCode).toBe(400)
  })
})
