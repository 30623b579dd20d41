/**
 * End to end in Debian's Chromium (playwright-core): the board as a person uses it, on a real TLS
 * server on port 0. The browser trusts exactly this test server's certificate (its SPKI hash), runs
 * with a fresh temporary profile per launch, and talks to loopback only.
 */
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserBoard, openBrowserBoard } from './browser-support.js'
import { REPO_MEDIA, type TestBoard } from './support.js'

/** The parts of the page's DOM these tests touch (the test itself is compiled without DOM types). */
interface VideoElement {
  muted: boolean
  currentTime: number
  readonly duration: number
  readonly error: { code: number } | null
  play(): Promise<void>
  pause(): void
  addEventListener(type: string, listener: (event: unknown) => void, options?: { once?: boolean }): void
}
interface PageGlobals {
  document: { documentElement: { scrollWidth: number } }
  innerWidth: number
}

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')

let board: TestBoard
let base: string
let browserBoard: BrowserBoard
let attacker: Server
let attackerOrigin: string

const newPage = () => browserBoard.pages.newPage()

async function fillCredentials(page: Page, username: string, password: string) {
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('button[type=submit].primary')
  await page.waitForLoadState('domcontentloaded')
}

beforeAll(async () => {
  browserBoard = await openBrowserBoard(
    { sampleMedia: true },
    { extraArgs: ['--autoplay-policy=no-user-gesture-required'] },
  )
  ;({ board, base } = browserBoard)

  // Another local origin serving a page that auto-submits a form to the board.
  attacker = createHttpServer((_request, response) => {
    response.setHeader('content-type', 'text/html')
    response.end(`<!doctype html><form method="post" action="${base}/posts">
      <input name="body" value="forged by another site"><input name="_csrf" value="guess"></form>
      <script>document.forms[0].submit()</script>`)
  })
  attacker.listen(0, '127.0.0.1')
  await once(attacker, 'listening')
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`

  await mkdir(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  attacker?.close()
  await browserBoard?.close()
})

describe('the board in Chromium', () => {
  let alice: Page
  let bob: Page

  it('sends a first-time visitor to registration and shows each bad input next to its field', async () => {
    alice = await newPage()
    await alice.goto(`${base}/`)
    expect(new URL(alice.url()).pathname).toBe('/register')

    bob = await newPage()
    await bob.goto(`${base}/register`)
    await fillCredentials(bob, 'bob', 'bob password')
    expect(new URL(bob.url()).pathname).toBe('/')

    const cases = [
      { username: 'two words', password: 'long enough', field: '#username-error', message: /character|space/i },
      { username: 'x'.repeat(33), password: 'long enough', field: '#username-error', message: /32/ },
      { username: 'BOB', password: 'long enough', field: '#username-error', message: /already taken/i },
      { username: 'alice', password: 'short', field: '#password-error', message: /at least 8/ },
    ]
    for (const { username, password, field, message } of cases) {
      await fillCredentials(alice, username, password)
      await expect.poll(() => alice.textContent(field)).toMatch(message)
      expect(await alice.inputValue('#username')).toBe(username)
      expect(await alice.inputValue('#password')).toBe('')
    }
    await alice.screenshot({ path: join(SCREENSHOTS, 'register-error.png') })

    await fillCredentials(alice, 'alice', 'alice password')
    expect(new URL(alice.url()).pathname).toBe('/')
    expect(await alice.textContent('.who')).toContain('alice')
  })

  it('signs out, refuses a wrong password, blocks after three, and signs in again', async () => {
    await alice.getByRole('button', { name: 'Sign out' }).click()
    await alice.waitForURL(`${base}/login`)
    await alice.goto(`${base}/`)
    expect(new URL(alice.url()).pathname).toBe('/login')

    await fillCredentials(alice, 'alice', 'wrong password')
    expect(await alice.textContent('#form-error')).toContain('Wrong username or password')
    expect(await alice.inputValue('#username')).toBe('alice')

    const carol = await newPage()
    await carol.goto(`${base}/register`)
    await fillCredentials(carol, 'carol', 'carol password')
    await carol.context().clearCookies()
    for (let attempt = 1; attempt <= 3; attempt++) {
      await alice.goto(`${base}/login`)
      await fillCredentials(alice, 'carol', `guess ${attempt}`)
    }
    await alice.goto(`${base}/login`)
    await fillCredentials(alice, 'carol', 'carol password')
    expect(await alice.textContent('#form-error')).toMatch(/blocked.*try again in \d+ s/)

    await alice.goto(`${base}/login`)
    await fillCredentials(alice, 'alice', 'alice password')
    expect(new URL(alice.url()).pathname).toBe('/')
  })

  it("posts with newlines kept, and sees another user's posts, edits and deletions live", async () => {
    await alice.fill('#post-body', 'Hello from Alice\nsecond line <b>not bold</b>')
    await alice.getByRole('button', { name: 'Post', exact: true }).click()
    await alice.waitForURL(`${base}/`)
    const mine = alice.locator('#posts .post').first()
    expect(await mine.locator('.post-body').textContent()).toBe('Hello from Alice\nsecond line <b>not bold</b>')
    expect(await mine.locator('.post-body b').count()).toBe(0)
    expect(await mine.locator('.author').textContent()).toBe('alice')
    expect(await mine.locator('.post-meta time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/)

    // The live stream is open before bob writes.
    await alice.locator('#live-status', { hasText: 'Live' }).waitFor()
    await bob.goto(`${base}/`)
    await bob.fill('#post-body', 'Bob says hi <img src=x onerror=alert(1)>')
    await bob.getByRole('button', { name: 'Post', exact: true }).click()
    const live = alice.locator('#posts .post', { hasText: 'Bob says hi' })
    await live.waitFor()
    expect(await live.locator('.post-body').textContent()).toBe('Bob says hi <img src=x onerror=alert(1)>')
    expect(await live.locator('img').count()).toBe(0)
    expect(await live.locator('.author').textContent()).toBe('bob')
    expect(await live.locator('.own-actions').isHidden()).toBe(true) // not alice's to edit
    expect(await live.locator('.report-actions').isVisible()).toBe(true) // but hers to report
    expect(await alice.locator('#posts .post').first().textContent()).toContain('Bob says hi')

    const bobPost = bob.locator('#posts .post', { hasText: 'Bob says hi' })
    await bobPost.getByRole('link', { name: 'Edit' }).click()
    await bob.fill('#post-body', 'Bob says hello (edited)')
    await bob.getByRole('button', { name: 'Save' }).click()
    await alice.locator('#posts .post', { hasText: 'Bob says hello (edited)' }).locator('.edited').waitFor()

    bob.once('dialog', (dialog) => void dialog.accept())
    await bob.locator('#posts .post', { hasText: 'Bob says hello' }).getByRole('button', { name: 'Delete' }).click()
    await alice.locator('#posts .post', { hasText: 'Bob says hello' }).waitFor({ state: 'detached' })
    await alice.screenshot({ path: join(SCREENSHOTS, 'board.png'), fullPage: true })
  })

  it('edits and deletes its own post', async () => {
    const mine = alice.locator('#posts .post', { hasText: 'Hello from Alice' })
    await mine.getByRole('link', { name: 'Edit' }).click()
    await alice.waitForURL(/\/posts\/\d+\/edit$/)
    expect(await alice.inputValue('#post-body')).toBe('Hello from Alice\nsecond line <b>not bold</b>')
    await alice.fill('#post-body', 'Hello again from Alice')
    await alice.getByRole('button', { name: 'Save' }).click()
    await alice.waitForURL(/\/#post-\d+$/)
    const edited = alice.locator('#posts .post', { hasText: 'Hello again from Alice' })
    expect(await edited.locator('.edited').isVisible()).toBe(true)

    alice.once('dialog', (dialog) => void dialog.accept())
    await edited.getByRole('button', { name: 'Delete' }).click()
    await alice.waitForURL(`${base}/`)
    expect(await alice.locator('#posts .post', { hasText: 'Hello again from Alice' }).count()).toBe(0)
    expect(await board.storage.posts.listPosts({ limit: 10 })).toEqual([])
  })

  it('plays the sample video and seeks in it with range requests', async () => {
    const ranges: string[] = []
    const statuses: number[] = []
    alice.on('request', (request) => {
      if (request.url().endsWith('/media/sample-clip.mp4')) ranges.push(request.headers().range ?? '')
    })
    alice.on('response', (response) => {
      if (response.url().endsWith('/media/sample-clip.mp4')) statuses.push(response.status())
    })
    await alice.goto(`${base}/media`)
    const video = alice.locator('video[src="/media/sample-clip.mp4"]')
    await video.waitFor()
    const result = await video.evaluate(async (element: VideoElement) => {
      element.muted = true
      await element.play()
      await new Promise((resolve) => element.addEventListener('timeupdate', resolve, { once: true }))
      element.pause()
      const seeked = new Promise((resolve) => element.addEventListener('seeked', resolve, { once: true }))
      element.currentTime = 3
      await seeked
      return { currentTime: element.currentTime, duration: element.duration, error: element.error?.code ?? null }
    })
    expect(result.error).toBeNull()
    expect(result.duration).toBeGreaterThan(3.5)
    expect(result.currentTime).toBeGreaterThanOrEqual(2.9)
    expect(ranges.some((range) => range.startsWith('bytes='))).toBe(true)
    expect(statuses).toContain(206)
    await alice.screenshot({ path: join(SCREENSHOTS, 'media.png'), fullPage: true })
  })

  it('uploads a file, which is then listed with a player', async () => {
    await alice.goto(`${base}/media`)
    await alice.setInputFiles('#media-file', join(REPO_MEDIA, 'sample-tone.wav'))
    await alice.getByRole('button', { name: 'Upload', exact: true }).click()
    await alice.waitForURL(/\/media\?uploaded=/)
    const name = new URL(alice.url()).searchParams.get('uploaded')!
    expect(name).toMatch(/^sample-tone-[0-9a-f]+\.wav$/)
    expect(await alice.textContent('.notice')).toContain(`Uploaded ${name}`)
    expect(await alice.locator(`audio[src="/media/${name}"]`).count()).toBe(1)
  })

  it('is readable on a phone: nothing wider than the screen', async () => {
    const context = await browserBoard.pages.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
      storageState: await alice.context().storageState(),
    })
    const phone = await context.newPage()
    for (const path of ['/', '/media', '/login']) {
      await phone.goto(`${base}${path}`)
      const widths = await phone.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as PageGlobals
        return [document.documentElement.scrollWidth, innerWidth]
      })
      expect(widths[0], path).toBeLessThanOrEqual(widths[1]!)
    }
    await phone.goto(`${base}/`)
    await phone.screenshot({ path: join(SCREENSHOTS, 'board-phone.png'), fullPage: true })
  })

  it('refuses a form posted from another origin with 403 and creates nothing', async () => {
    const refused = alice.waitForResponse((response) => response.url() === `${base}/posts`)
    await alice.goto(attackerOrigin)
    const response = await refused
    expect(response.status()).toBe(403)
    expect((await response.request().allHeaders())['sec-fetch-site']).toBe('cross-site')
    await alice.waitForURL(`${base}/posts`)
    expect(await alice.textContent('h1')).toBe('Not allowed')
    expect(await board.storage.posts.listPosts({ limit: 10 })).toEqual([])
  })

  it('signs out: the board is gone until signing in again', async () => {
    await alice.goto(`${base}/`)
    await alice.getByRole('button', { name: 'Sign out' }).click()
    await alice.waitForURL(`${base}/login`)
    await alice.goto(`${base}/`)
    expect(new URL(alice.url()).pathname).toBe('/login')
    const cookies = await alice.context().cookies()
    expect(cookies.find((cookie) => cookie.name === '__Host-parley')).toBeUndefined()
  })
})
