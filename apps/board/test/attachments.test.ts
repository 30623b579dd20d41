import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chooseAttachment, MAX_ALT_LENGTH } from '../src/attachments/choose.js'
import { attachmentHtml } from '../src/attachments/render.js'
import { createMediaSandbox, type MediaSandbox } from './media-fixtures.js'
import { makePng } from './png-fixture.js'

describe('chooseAttachment', () => {
  let sandbox: MediaSandbox
  beforeEach(async () => {
    sandbox = await createMediaSandbox()
    await writeFile(join(sandbox.mediaDir, 'cat.png'), makePng(64, 48))
    await writeFile(join(sandbox.mediaDir, 'notes.txt'), 'not media')
  })
  afterEach(() => sandbox.cleanup())

  it('takes a picture with its size read from the file, and its alt text trimmed', async () => {
    expect(await chooseAttachment(sandbox.library, 'cat.png', '  A grey cat \n')).toEqual({
      ok: true,
      draft: { mediaName: 'cat.png', kind: 'image', alt: 'A grey cat', width: 64, height: 48 },
    })
  })

  it('takes a clip or a sound without alt text and without a size', async () => {
    expect(await chooseAttachment(sandbox.library, 'sample-clip.mp4', '')).toEqual({
      ok: true,
      draft: { mediaName: 'sample-clip.mp4', kind: 'video', alt: '', width: null, height: null },
    })
    expect(await chooseAttachment(sandbox.library, 'sample-tone.wav', 'A tone')).toMatchObject({
      ok: true,
      draft: { kind: 'audio', alt: 'A tone' },
    })
  })

  it('refuses a picture without alt text, and alt text that is too long', async () => {
    expect(await chooseAttachment(sandbox.library, 'cat.png', '   ')).toMatchObject({ ok: false, field: 'alt' })
    expect(await chooseAttachment(sandbox.library, 'cat.png', 'x'.repeat(MAX_ALT_LENGTH + 1))).toMatchObject({
      ok: false,
      field: 'alt',
    })
  })

  it('refuses a missing file, a file the board cannot show, and names that leave the folder', async () => {
    for (const name of ['missing.png', 'notes.txt', '../canary.txt', '.hidden', 'a/b.png']) {
      expect(await chooseAttachment(sandbox.library, name, 'x')).toMatchObject({ ok: false, field: 'attachment' })
    }
  })

  it('keeps a picture whose size cannot be read, without a size', async () => {
    await writeFile(join(sandbox.mediaDir, 'broken.png'), Buffer.from('not really a png'))
    expect(await chooseAttachment(sandbox.library, 'broken.png', 'Broken')).toEqual({
      ok: true,
      draft: { mediaName: 'broken.png', kind: 'image', alt: 'Broken', width: null, height: null },
    })
  })
})

describe('attachmentHtml', () => {
  it('shows a picture lazily, with its size and escaped alt text, from the media route', () => {
    const html = attachmentHtml({
      postId: 7,
      mediaName: 'a b&"c.png',
      kind: 'image',
      alt: '<script>alert(1)</script> "quoted"',
      width: 64,
      height: 48,
    })
    expect(html).toContain('src="/media/a%20b%26%22c.png"')
    expect(html).toContain('alt="&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;"')
    expect(html).toContain('width="64" height="48" loading="lazy"')
    expect(html).not.toContain('<script>')
  })

  it('leaves out the size it does not know', () => {
    const html = attachmentHtml({ postId: 1, mediaName: 'x.png', kind: 'image', alt: 'x', width: null, height: null })
    expect(html).not.toContain('width=')
  })

  it('gives clips and sounds controls that load nothing until played, named by their caption or file name', () => {
    const clip = attachmentHtml({
      postId: 3,
      mediaName: 'c.mp4',
      kind: 'video',
      alt: 'Our <b>band</b>',
      width: null,
      height: null,
    })
    expect(clip).toContain('<video src="/media/c.mp4" controls preload="none" aria-labelledby="attachment-3">')
    expect(clip).toContain('<figcaption id="attachment-3">Our &lt;b&gt;band&lt;/b&gt;</figcaption>')
    const sound = attachmentHtml({ postId: 4, mediaName: 't.wav', kind: 'audio', alt: '', width: null, height: null })
    expect(sound).toContain('<audio src="/media/t.wav" controls preload="none" aria-label="t.wav">')
    expect(sound).not.toContain('figcaption')
  })
})
