/**
 * Accounts and moderation in Debian's Chromium (playwright-core), on a real TLS server on port 0:
 * a password change signs the other browser out, an account is exported and deleted, a member
 * reports a post that an admin deletes, and an admin suspends a user who then cannot sign in.
 * Same browser set-up as e2e.browser.test.ts (trusts exactly this server's certificate).
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserBoard, openBrowserBoard, register as registerAt } from './browser-support.js'
import type { TestBoard } from './support.js'

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results')

let browserBoard: BrowserBoard
let board: TestBoard
let base: string

const newPage = () => browserBoard.pages.newPage({ acceptDownloads: true })
const register = (page: Page, username: string, password: string) => registerAt(page, base, username, password)

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/login`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('button[type=submit].primary')
  await page.waitForLoadState('domcontentloaded')
}

function path(page: Page): string {
  return new URL(page.url()).pathname
}

beforeAll(async () => {
  browserBoard = await openBrowserBoard()
  ;({ board, base } = browserBoard)
  await board.auth.createUser('admin', 'admin password')
  await board.auth.promote(null, 'admin', 'first admin')
  await mkdir(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browserBoard?.close()
})

describe('accounts and moderation in Chromium', () => {
  it('changing the password signs the other browser out and lists only this session', async () => {
    const laptop = await newPage()
    await register(laptop, 'walter', 'walter password')
    const phone = await newPage()
    await signIn(phone, 'walter', 'walter password')
    expect(path(phone)).toBe('/')

    await laptop.getByRole('link', { name: 'Account' }).click()
    await laptop.waitForURL(`${base}/account`)
    await expect.poll(() => laptop.locator('.session').count()).toBe(2)
    expect(await laptop.locator('.session.current .badge').textContent()).toBe('This browser')

    await laptop.fill('#current-password', 'wrong guess')
    await laptop.fill('#new-password', 'walter new password')
    await laptop.fill('#confirm-password', 'walter new password')
    await laptop.getByRole('button', { name: 'Change password' }).click()
    await laptop.waitForLoadState('domcontentloaded')
    expect(await laptop.textContent('#current-error')).toBe('That is not your current password.')
    expect(await laptop.inputValue('#new-password')).toBe('')

    await laptop.fill('#current-password', 'walter password')
    await laptop.fill('#new-password', 'walter new password')
    await laptop.fill('#confirm-password', 'walter new password')
    await laptop.getByRole('button', { name: 'Change password' }).click()
    await laptop.waitForURL(/\/account\?done=password/)
    expect(await laptop.textContent('.notice')).toBe('Your password is changed. 1 other session was signed out.')
    expect(await laptop.locator('.session').count()).toBe(1)
    await laptop.screenshot({ path: join(SCREENSHOTS, 'account.png'), fullPage: true })

    await phone.reload()
    expect(path(phone)).toBe('/login')
    await signIn(phone, 'walter', 'walter password')
    expect(await phone.textContent('#form-error')).toContain('Wrong username or password')
    await signIn(phone, 'walter', 'walter new password')
    expect(path(phone)).toBe('/')
  })

  it('exports the data as a download, then deletes the account; the posts stay as "deleted user"', async () => {
    const leaver = await newPage()
    await register(leaver, 'leaving', 'leaving password')
    await leaver.fill('#post-body', 'Goodbye, everyone')
    await leaver.getByRole('button', { name: 'Post', exact: true }).click()
    await leaver.waitForURL(`${base}/`)
    const reader = await newPage()
    await register(reader, 'staying', 'staying password')

    await leaver.goto(`${base}/account`)
    const [download] = await Promise.all([
      leaver.waitForEvent('download'),
      leaver.getByRole('link', { name: 'Download my data' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^parley-account-\d+-\d{4}-\d\d-\d\d\.json$/)
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'))
    expect(exported.profile.username).toBe('leaving')
    expect(exported.posts.map((post: { body: string }) => post.body)).toEqual(['Goodbye, everyone'])

    await leaver.fill('#delete-password', 'leaving password')
    await leaver.getByRole('button', { name: 'Delete my account' }).click()
    // The browser's own validation asks for the box first.
    expect(path(leaver)).toBe('/account')
    await leaver.check('input[name=understood]')
    await leaver.getByRole('button', { name: 'Delete my account' }).click()
    await leaver.waitForURL(`${base}/account/deleted`)
    expect(await leaver.textContent('h1')).toBe('Account deleted')
    await leaver.goto(`${base}/`)
    expect(path(leaver)).toBe('/register')

    await reader.goto(`${base}/`)
    const post = reader.locator('#posts .post', { hasText: 'Goodbye, everyone' })
    expect(await post.locator('.author').textContent()).toBe('deleted user')
    expect(await board.storage.users.getUserByKey('leaving')).toBeNull()
  })

  it('a member reports a post; the admin sees it and deletes the post with a reason', async () => {
    const author = await newPage()
    await register(author, 'spammer', 'spammer password')
    await author.fill('#post-body', 'Buy cheap things now')
    await author.getByRole('button', { name: 'Post', exact: true }).click()
    await author.waitForURL(`${base}/`)

    const member = await newPage()
    await register(member, 'reporter', 'reporter password')
    const spam = member.locator('#posts .post', { hasText: 'Buy cheap things now' })
    await spam.locator('summary', { hasText: 'Report' }).click()
    await spam.locator('input[name=reason]').fill('advertising')
    await spam.getByRole('button', { name: 'Send report' }).click()
    await member.waitForURL(/\/report\?sent=1$/)
    expect(await member.textContent('.notice')).toContain('Your report was sent to the admins.')

    const admin = await newPage()
    await signIn(admin, 'admin', 'admin password')
    await admin.getByRole('link', { name: 'Admin' }).click()
    await admin.waitForURL(`${base}/admin/reports`)
    const group = admin.locator('.report-group', { hasText: 'Buy cheap things now' })
    expect(await group.textContent()).toContain('advertising')
    await group.locator('.moderate-form input[name=reason]').fill('spam')
    await group.getByRole('button', { name: 'Delete post' }).click()
    await admin.waitForURL(`${base}/admin/reports?done=deleted`)
    expect(await admin.locator('.report-group').count()).toBe(0)
    await admin.getByRole('link', { name: 'Audit log' }).click()
    const entry = admin.locator('.audit-entry').first()
    expect(await entry.textContent()).toMatch(/admin\s+deleted a post\s+post #\d+ by spammer/)
    expect(await entry.textContent()).toContain('Reason: spam')
    await author.goto(`${base}/`)
    expect(await author.locator('#posts .post', { hasText: 'Buy cheap things now' }).count()).toBe(0)
  })

  it('an admin suspends a user, who is signed out and told until when at sign-in', async () => {
    const user = await newPage()
    await register(user, 'troll', 'troll password')

    const admin = await newPage()
    await signIn(admin, 'admin', 'admin password')
    await admin.goto(`${base}/admin/users`)
    const row = admin.locator('.user-row[data-username="troll"]')
    await row.locator('summary').click()
    await row.locator('select[name=duration]').selectOption('7d')
    await row.locator('.suspend-form input[name=reason]').fill('trolling')
    await row.getByRole('button', { name: 'Suspend' }).click()
    await admin.waitForURL(/\/admin\/users\?done=suspended/)
    expect(await admin.textContent('.notice')).toContain('“troll” is suspended and signed out everywhere.')
    expect(await admin.locator('.user-row[data-username="troll"] .user-status').textContent()).toMatch(
      /^Suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    )
    await admin.screenshot({ path: join(SCREENSHOTS, 'admin-users.png'), fullPage: true })

    await user.reload()
    expect(path(user)).toBe('/login')
    await signIn(user, 'troll', 'troll password')
    expect(await user.textContent('#form-error')).toMatch(
      /^This account is suspended by a moderator until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
    )

    await admin.goto(`${base}/admin/audit`)
    expect(await admin.locator('.audit-entry').first().textContent()).toMatch(
      /admin\s+suspended until .*troll[\s\S]*Reason: trolling/,
    )

    // Members do not get in.
    await user.goto(`${base}/admin/users`)
    expect(path(user)).toBe('/login')
    const member = await newPage()
    await register(member, 'curious', 'curious password')
    const refused = await member.goto(`${base}/admin/users`)
    expect(refused?.status()).toBe(403)
    expect(await member.textContent('h1')).toBe('Not allowed')
  })
})
