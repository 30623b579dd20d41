/**
 * A picture in a post, as a person makes and sees it in Chromium on a real TLS board: upload it on the
 * media page, follow its "Post it" link, describe it, post; the picture loads inside the post at its
 * own size, and a reader on another browser sees it too (live, without reloading).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserBoard, openBrowserBoard, register as registerAt, WAIT } from './browser-support.js'
import { makePng } from './png-fixture.js'

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')

/** The fields read from an <img> (the tests' tsconfig has no DOM library). */
interface LoadedImage {
  complete: boolean
  naturalWidth: number
  naturalHeight: number
}

let browserBoard: BrowserBoard
let base: string
let upload: string

const newPage = () => browserBoard.pages.newPage()
const register = (page: Page, username: string, password: string) => registerAt(page, base, username, password)

beforeAll(async () => {
  browserBoard = await openBrowserBoard()
  base = browserBoard.base
  await mkdir(SCREENSHOTS, { recursive: true })
  upload = join(browserBoard.board.dir, 'harbour.png')
  await writeFile(upload, makePng(300, 200))
}, 60_000)

afterAll(async () => {
  await browserBoard?.close()
})

describe('pictures in posts, in Chromium', () => {
  it('uploads a picture, posts it with a description, and every reader sees it load at its size', async () => {
    const reader = await newPage()
    await register(reader, 'reader', 'reader password')

    const writer = await newPage()
    await register(writer, 'writer', 'writer password')
    await writer.goto(`${base}/media`)
    await writer.setInputFiles('#media-file', upload)
    await writer.click('form.upload button[type=submit]')
    await writer.waitForURL(/\/media\?uploaded=/)
    const name = new URL(writer.url()).searchParams.get('uploaded')!
    expect(name).toMatch(/^harbour-.+\.png$/)

    await writer.getByRole('link', { name: `Show ${name} in a new post` }).click()
    await writer.waitForURL(/\/\?attach=/)
    expect(await writer.inputValue('#post-attachment')).toBe(name)
    await writer.fill('#post-body', 'The harbour this morning')
    await writer.fill('#post-alt', 'Grey water under a grey sky')
    await writer.click('.composer button[type=submit].primary')
    await writer.waitForURL(`${base}/`)

    for (const page of [writer, reader]) {
      const picture = page.locator('.post', { hasText: 'The harbour this morning' }).locator('.post-attachment img')
      await picture.waitFor(WAIT)
      expect(await picture.getAttribute('alt')).toBe('Grey water under a grey sky')
      // Loaded, from the board, at the file's own size (the box was reserved from width/height).
      const loaded = () =>
        picture.evaluate((element): LoadedImage => {
          const img = element as unknown as LoadedImage
          return { complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight }
        })
      await expect.poll(async () => ((await loaded()).complete ? (await loaded()).naturalWidth : 0), WAIT).toBe(300)
      expect((await loaded()).naturalHeight).toBe(200)
    }
    await reader.screenshot({ path: join(SCREENSHOTS, 'post-with-picture.png'), fullPage: true })
  })

  it('keeps the text and shows the reason when the description is missing', async () => {
    const page = await newPage()
    await register(page, 'hasty', 'hasty password')
    await page.goto(`${base}/media`)
    await page.setInputFiles('#media-file', upload)
    await page.click('form.upload button[type=submit]')
    await page.waitForURL(/\/media\?uploaded=/)
    const name = new URL(page.url()).searchParams.get('uploaded')!
    await page.goto(`${base}/?attach=${encodeURIComponent(name)}`)
    await page.fill('#post-body', 'Forgot the description')
    await page.click('.composer button[type=submit].primary')
    await page.locator('#alt-error').waitFor(WAIT)
    expect(await page.inputValue('#post-body')).toBe('Forgot the description')
    expect(await page.inputValue('#post-attachment')).toBe(name)
    expect(await page.getAttribute('#post-alt', 'aria-invalid')).toBe('true')
  })
})
