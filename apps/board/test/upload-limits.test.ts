/**
 * Uploads cannot fill the disk and can be removed (issue 14, item 11): the uploader is recorded; a
 * per-user rate and quota and a global free-space reserve refuse uploads with a clear message; the
 * uploader or an admin deletes a file, audited.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Client, createTestBoard, ORIGIN, REPO_MEDIA, type TestBoard } from './support.js'

let board: TestBoard | undefined
afterEach(async () => {
  await board?.close()
  board = undefined
})

const wav = await readFile(join(REPO_MEDIA, 'sample-tone.wav'))

function multipart(token: string, filename: string, data: Buffer) {
  const boundary = '----parley-limits'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n`),
    Buffer.from('Content-Type: audio/wav\r\n\r\n'),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` }
}

async function upload(client: Client, filename = 'tone.wav', data = wav) {
  const { payload, contentType } = multipart(await client.csrfToken('/media'), filename, data)
  const response = await client.request({
    method: 'POST',
    url: '/media',
    payload,
    headers: { 'content-type': contentType, origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
  })
  const name =
    response.statusCode === 303 ? decodeURIComponent(String(response.headers.location).split('=')[1] ?? '') : null
  return { response, name }
}

async function start(env: Record<string, string> = {}, freeBytes?: (dir: string) => Promise<number>) {
  board = await createTestBoard({ env: { MAX_UPLOAD_BYTES: '10000000', ...env }, ...(freeBytes ? { freeBytes } : {}) })
  const alice = new Client(board.app)
  await alice.register('alice', 'alice password')
  return { board, alice }
}

describe('upload limits', () => {
  it('records the uploader of each file', async () => {
    const { alice } = await start()
    const { name } = await upload(alice)
    expect(await board!.storage.uploads.get(name!)).toMatchObject({ uploaderName: 'alice', size: wav.length })
  })

  it('refuses uploads past the hourly rate with 429 and says so, reading nothing', async () => {
    const { alice } = await start({ UPLOAD_RATE_PER_HOUR: '2' })
    expect((await upload(alice)).name).not.toBeNull()
    expect((await upload(alice)).name).not.toBeNull()
    const before = await readdir(board!.config.mediaDir)
    const third = await upload(alice)
    expect(third.response.statusCode).toBe(429)
    expect(third.response.body).toContain('At most 2 uploads an hour: try again later.')
    expect(await readdir(board!.config.mediaDir)).toEqual(before)
    // The window slides: uploads older than an hour no longer count (usage(since) in the storage contract).
  })

  it('refuses an upload past the quota with 413 and leaves no partial file', async () => {
    const { alice } = await start({ UPLOAD_QUOTA_BYTES: String(Math.floor(wav.length * 1.5)) })
    expect((await upload(alice)).name).not.toBeNull()
    const before = await readdir(board!.config.mediaDir)
    const second = await upload(alice)
    expect(second.response.statusCode).toBe(413)
    expect(second.response.body).toContain(`storage quota of ${Math.floor(wav.length * 1.5)} bytes`)
    expect(await readdir(board!.config.mediaDir)).toEqual(before)
  })

  it('keeps the free-space reserve: 507 when the disk is nearly full, before or during the upload', async () => {
    const reserve = 50_000_000
    let free = reserve - 1
    const { alice } = await start({ UPLOAD_RESERVE_BYTES: String(reserve) }, async () => free)
    const before = await readdir(board!.config.mediaDir)
    const full = await upload(alice)
    expect(full.response.statusCode).toBe(507)
    expect(full.response.body).toContain('The server is nearly out of disk space: uploads are paused.')
    free = reserve + 1000 // room for 1000 bytes: the file is larger
    expect((await upload(alice)).response.statusCode).toBe(507)
    expect(await readdir(board!.config.mediaDir)).toEqual(before)
    free = reserve + 10 * wav.length
    expect((await upload(alice)).response.statusCode).toBe(303)
  })
})

describe('deleting uploads', () => {
  it('lets the uploader delete their file, audited', async () => {
    const { alice } = await start()
    const { name } = await upload(alice)
    expect((await alice.get('/media')).body).toContain(`action="/media/${name}/delete"`)
    const response = await alice.submit('/media', `/media/${name}/delete`, {})
    expect(response.statusCode).toBe(303)
    expect(await readdir(board!.config.mediaDir)).not.toContain(name)
    expect(await board!.storage.uploads.get(name!)).toBeNull()
    const [entry] = await board!.storage.audit.list({ limit: 1 })
    expect(entry).toMatchObject({ action: 'media.delete', actorName: 'alice', targetName: 'alice', details: { name } })
  })

  it('refuses other members (403, file kept), lets an admin delete anyone’s, and keeps sample media for admins', async () => {
    const { board, alice } = await start()
    const { name } = await upload(alice)
    const mallory = new Client(board.app)
    await mallory.register('mallory', 'mallory password')
    expect((await mallory.get('/media')).body).not.toContain(`action="/media/${name}/delete"`)
    const refused = await mallory.submit('/media', `/media/${name}/delete`, {})
    expect(refused.statusCode).toBe(403)
    expect(await readdir(board.config.mediaDir)).toContain(name)

    const root = new Client(board.app)
    await root.register('root', 'root password')
    await board.storage.users.setRole((await board.storage.users.getUserByKey('root'))!.id, 'admin')
    expect((await root.submit('/media', `/media/${name}/delete`, {})).statusCode).toBe(303)
    expect(await readdir(board.config.mediaDir)).not.toContain(name)
    const [entry] = await board.storage.audit.list({ limit: 1 })
    expect(entry).toMatchObject({ action: 'media.delete', actorName: 'root', targetName: 'alice' })
  })
})
