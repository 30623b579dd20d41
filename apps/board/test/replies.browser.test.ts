/**
 * Replies in Chromium (issue 16): two board processes' worth of servers on one database, their post
 * events on one Redis bus, as a scaled-out deployment runs. A reader without JavaScript replies and
 * quotes through plain forms and redirects; with JavaScript, a reply made on one board appears on the
 * open post page of a reader on the other board and bumps the count on that reader's board, live.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createAuth } from '@parley/auth'
import { type Bus, openBus } from '@parley/bus'
import { ensureCerts } from '@parley/certs'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { launchChromium } from '@parley/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openBusPostEvents, type PostEvents } from '../src/events/post-events.js'
import { createLogger } from '../src/logging.js'
import { Pages, signIn, WAIT } from './browser-support.js'
import { createBoardServer } from './support.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')
const PASSWORD = 'correct horse battery'

type Board = Awaited<ReturnType<typeof createBoardServer>>

let dir: string
let storage: Storage
const buses: Bus[] = []
const events: PostEvents[] = []
const boards: Board[] = []
/** https://127.0.0.1:<port> of each board. */
const origins: string[] = []
let pages: Pages
let postId: number

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-replies-browser-'))
  const config = loadConfig({ AUTH_RATE_LIMIT: '1000', AUTH_CREATE_RATE_LIMIT: '1000' }, { repoRoot: dir, cwd: dir })
  await mkdir(config.mediaDir, { recursive: true })
  const certs = await ensureCerts(config.certsDir)
  storage = await openSqliteStorage(config.databasePath)
  const prefix = `parley-test:replies-${process.pid}-${Date.now().toString(36)}:`
  const logger = createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }))
  const auth = createAuth({ storage })
  for (let i = 0; i < 2; i++) {
    const bus = await openBus({ redisUrl, prefix })
    buses.push(bus)
    const postEvents = await openBusPostEvents(bus)
    events.push(postEvents)
    const app = await createBoardServer(config, certs, { logger, storage, auth, events: postEvents, now: Date.now })
    await app.listen({ host: '127.0.0.1', port: 0 })
    boards.push(app)
    origins.push(`https://127.0.0.1:${(app.server.address() as AddressInfo).port}`)
  }
  for (const name of ['alice', 'bob']) await auth.register(name, PASSWORD)
  const bob = (await storage.users.getUserByKey('bob'))!
  postId = (await storage.posts.createPost(bob.id, 'Who is coming on Saturday?', Date.now())).id
  pages = new Pages(await launchChromium(certs.cert))
  await mkdir(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await pages?.close()
  for (const app of boards) await app.close()
  for (const postEvents of events) await postEvents.close()
  for (const bus of buses) await bus.close()
  await storage?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A signed-in page on board `index` (the session cookie serves both boards: same host, one database). */
async function signedIn(username: string, index: number, javaScriptEnabled = true): Promise<Page> {
  const page = await pages.newPage({ viewport: { width: 1000, height: 900 }, javaScriptEnabled })
  await signIn(page, origins[index]!, username, PASSWORD)
  return page
}

describe('replies in Chromium', () => {
  it('replies and quotes without JavaScript: links, forms and redirects only', async () => {
    const alice = await signedIn('alice', 0, false)
    const post = alice.locator(`#post-${postId}`)
    expect(await post.locator('.reply-count').textContent()).toBe('0 replies')
    await post.getByRole('link', { name: 'Reply', exact: true }).click()
    await alice.waitForURL(`${origins[0]}/posts/${postId}#reply-form`)
    await alice.fill('#reply-body', 'I am, with **cake**')
    await alice.getByRole('button', { name: 'Reply', exact: true }).click()
    await alice.waitForURL(new RegExp(`/posts/${postId}\\?before=\\d+#post-\\d+$`))
    const mine = alice.locator('#replies li.reply', { hasText: 'I am, with cake' })
    expect(await mine.locator('.post-body strong').textContent()).toBe('cake')

    // Answering a reply quotes it above the new one.
    await mine.getByRole('link', { name: 'Reply to this' }).click()
    expect(await alice.locator('#reply-form .reply-quote').textContent()).toContain('alice wrote:')
    await alice.fill('#reply-body', 'And candles')
    await alice.getByRole('button', { name: 'Reply', exact: true }).click()
    const quoting = alice.locator('#replies li.reply', { hasText: 'And candles' })
    expect(await quoting.locator('.reply-quote').textContent()).toContain('I am, with **cake**')

    // An empty reply is refused next to the field.
    await alice.fill('#reply-body', '   ')
    await alice.getByRole('button', { name: 'Reply', exact: true }).click()
    expect(await alice.locator('#reply-body-error').textContent()).toBe('Write something before replying.')

    await alice.goto(`${origins[0]}/`)
    expect(await alice.locator(`#post-${postId} .reply-count`).textContent()).toBe('2 replies')
    await alice.screenshot({ path: join(SCREENSHOTS, 'replies-no-js-board.png') })
  })

  it('shows a reply made on one board live on the post page and the board of a reader on the other', async () => {
    const bobBoard = await signedIn('bob', 1)
    await bobBoard.locator('#live-status', { hasText: 'Live' }).waitFor()
    const bobPage = await bobBoard.context().newPage()
    bobPage.setDefaultTimeout(WAIT.timeout)
    expect((await bobPage.goto(`${origins[1]}/posts/${postId}`))?.status()).toBe(200)
    await bobPage.locator('#live-status', { hasText: 'Live' }).waitFor()
    const before = await bobPage.locator('#replies li.reply').count()

    const alice = await signedIn('alice', 0)
    await alice.goto(`${origins[0]}/posts/${postId}`)
    await alice.fill('#reply-body', 'Live from board A')
    await alice.getByRole('button', { name: 'Reply', exact: true }).click()
    await alice.locator('#replies li.reply', { hasText: 'Live from board A' }).waitFor()

    // Bob never reloads: the reply is appended on his post page, and his board counts it.
    await bobPage.locator('#replies li.reply', { hasText: 'Live from board A' }).waitFor()
    expect(await bobPage.locator('#replies li.reply').count()).toBe(before + 1)
    const appended = bobPage.locator('#replies li.reply').last()
    expect(await appended.locator('.author').textContent()).toBe('alice')
    expect(await appended.locator('.report-form').count()).toBe(1)
    await expect
      .poll(() => bobBoard.locator(`#post-${postId} .reply-count`).textContent())
      .toBe(`${before + 1} replies`)
    await bobPage.screenshot({ path: join(SCREENSHOTS, 'replies-live-post-page.png') })

    // A deleted reply leaves both of bob's pages live too.
    const last = alice.locator('#replies li.reply', { hasText: 'Live from board A' })
    alice.once('dialog', (dialog) => void dialog.accept())
    await last.getByRole('button', { name: 'Delete' }).click()
    await alice.waitForURL(`${origins[0]}/posts/${postId}`)
    await expect.poll(() => bobPage.locator('#replies li.reply', { hasText: 'Live from board A' }).count()).toBe(0)
    await expect.poll(() => bobBoard.locator(`#post-${postId} .reply-count`).textContent()).toBe(`${before} replies`)
  })

  it('turns a deleted post with replies into the placeholder on open boards, live', async () => {
    const alice = await signedIn('alice', 0)
    await alice.locator('#live-status', { hasText: 'Live' }).waitFor()
    const bob = await signedIn('bob', 1)
    await bob.goto(`${origins[1]}/posts/${postId}`)
    bob.once('dialog', (dialog) => void dialog.accept())
    await bob.locator('.thread-post').getByRole('button', { name: 'Delete' }).click()
    await bob.waitForURL(`${origins[1]}/`)

    const item = alice.locator(`#post-${postId}`)
    await item.locator('.deleted-note', { hasText: 'This post was deleted.' }).waitFor()
    expect(await item.textContent()).not.toContain('Who is coming on Saturday?')
    expect(await item.getByRole('link', { name: 'Reply', exact: true }).count()).toBe(0)
    expect(await item.locator('.reply-count').textContent()).toMatch(/^\d+ repl/)
    // After a reload the board shows the same placeholder, from the database.
    await alice.reload()
    expect(await alice.locator(`#post-${postId} .deleted-note`).textContent()).toBe('This post was deleted.')
    await alice.locator(`#post-${postId} .reply-count`).click()
    expect(await alice.locator('.deleted-post').textContent()).toContain('Its replies are kept below.')
    expect(await alice.locator('#reply-form').count()).toBe(0)
  })
})
