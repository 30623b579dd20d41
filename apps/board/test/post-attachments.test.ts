/**
 * Pictures, clips and sounds in posts (issue 16): attached from the media folder by name, checked before
 * the post is stored, shown inline with their size and alt text, and gone from posts when the file is
 * deleted. Through the real routes (inject) on a real database file and media folder.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePng } from './png-fixture.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client
let bob: Client

beforeAll(async () => {
  board = await createTestBoard({ sampleMedia: true })
  await writeFile(join(board.config.mediaDir, 'sunset.png'), makePng(120, 80))
  await writeFile(join(board.config.mediaDir, 'notes.txt'), 'plain text')
  alice = new Client(board.app)
  bob = new Client(board.app)
  await alice.register('alice', 'alice password')
  await bob.register('bob', 'bob password')
})
afterAll(async () => {
  await board?.close()
})

function postHtml(html: string, text: string): string {
  const item = [...html.matchAll(/<li class="post"[\s\S]*?<\/li>/g)].find((match) => match[0].includes(text))
  if (!item) throw new Error(`no post containing ${text}`)
  return item[0]
}

describe('attaching media to a post', () => {
  it('shows a picture inside the post, lazy-loaded with its size and alt text, to every reader', async () => {
    const response = await alice.submit('/', '/posts', {
      body: 'Look at this',
      attachment: 'sunset.png',
      alt: 'A sunset',
    })
    expect(response.statusCode).toBe(303)
    const item = postHtml((await bob.get('/')).body, 'Look at this')
    expect(item).toContain('<img src="/media/sunset.png" alt="A sunset" width="120" height="80" loading="lazy"')
  })

  it('shows a clip with controls that load nothing until played', async () => {
    await alice.submit('/', '/posts', { body: 'Our clip', attachment: 'sample-clip.mp4', alt: '' })
    const item = postHtml((await bob.get('/')).body, 'Our clip')
    expect(item).toContain('<video src="/media/sample-clip.mp4" controls preload="none"')
  })

  it('refuses a picture without a description, keeping the text, the file name and the message', async () => {
    const before = (await board.storage.posts.listPosts({ limit: 100 })).length
    const response = await alice.submit('/', '/posts', { body: 'No alt here', attachment: 'sunset.png', alt: ' ' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('No alt here</textarea>')
    expect(response.body).toContain('value="sunset.png"')
    expect(response.body).toMatch(/id="alt-error">Describe the picture/)
    expect((await board.storage.posts.listPosts({ limit: 100 })).length).toBe(before)
  })

  it('refuses files the board cannot show and names outside the media folder, storing nothing', async () => {
    const before = (await board.storage.posts.listPosts({ limit: 100 })).length
    for (const attachment of ['notes.txt', 'missing.png', '../board.db', '.hidden.png']) {
      const response = await alice.submit('/', '/posts', { body: 'Sneaky', attachment, alt: 'x' })
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('id="attachment-error"')
    }
    expect((await board.storage.posts.listPosts({ limit: 100 })).length).toBe(before)
  })

  it('opens the composer with the file chosen from the media page', async () => {
    const media = (await alice.get('/media')).body
    expect(media).toContain('href="/?attach=sunset.png#post-body"')
    expect(media).not.toContain('/?attach=notes.txt')
    const page = (await alice.get('/?attach=sunset.png')).body
    expect(page).toMatch(/<details class="attachment-fields" open>/)
    expect(page).toContain('name="attachment" type="text" maxlength="1024" value="sunset.png"')
  })

  it('removes the picture from posts when the file is deleted', async () => {
    await writeFile(join(board.config.mediaDir, 'brief.png'), makePng(4, 4))
    await alice.submit('/', '/posts', { body: 'Brief picture', attachment: 'brief.png', alt: 'Brief' })
    expect(postHtml((await bob.get('/')).body, 'Brief picture')).toContain('/media/brief.png')
    const admin = await board.storage.users.getUserByKey('alice')
    await board.storage.users.setRole(admin!.id, 'admin')
    const deleted = await alice.submit('/media', '/media/brief.png/delete', {})
    expect(deleted.statusCode).toBe(303)
    expect(postHtml((await bob.get('/')).body, 'Brief picture')).not.toContain('/media/brief.png')
  })
})
