import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostEvent } from '../src/events/post-events.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let admin: Client
let member: Client
let other: Client

beforeAll(async () => {
  board = await createTestBoard()
  admin = new Client(board.app)
  await admin.register('root', 'root password')
  await board.auth.promote(null, 'root', 'first admin')
  member = new Client(board.app)
  await member.register('mia', 'mia password')
  other = new Client(board.app)
  await other.register('otto', 'otto password')
})
afterAll(async () => {
  await board?.close()
})

async function userId(name: string): Promise<number> {
  return (await board.storage.users.getUserByKey(name))!.id
}

async function postBy(client: Client, body: string): Promise<number> {
  await client.createPost(body)
  const post = (await board.storage.posts.listPosts({ limit: 100 })).find((row) => row.body === body)
  if (!post) throw new Error('post not stored')
  return post.id
}

function postItem(html: string, id: number): string {
  const item = html.split('<li class="post"').find((part) => part.includes(`id="post-${id}"`))
  if (!item) throw new Error(`post ${id} not on the page`)
  return item.split('</li>')[0]!
}

async function audit() {
  return board.storage.audit.list({ limit: 100 })
}

describe('admin pages are for admins only', () => {
  const pages = ['/admin', '/admin/users', '/admin/reports', '/admin/audit']
  const forms: [string, Record<string, string>][] = [
    ['/admin/users/promote', { username: 'mia' }],
    ['/admin/users/demote', { username: 'root' }],
    ['/admin/users/suspend', { username: 'otto', duration: 'forever' }],
    ['/admin/users/unsuspend', { username: 'otto' }],
    ['/admin/reports/resolve', { reports: '1' }],
  ]

  it('answers 403 to a member, for pages and for forms with a valid CSRF token', async () => {
    for (const page of pages) {
      const response = await member.get(page)
      expect(response.statusCode, page).toBe(403)
      expect(response.body).toContain('Only admins can see this page.')
    }
    for (const [url, form] of forms) {
      expect((await member.submit('/', url, form)).statusCode, url).toBe(403)
    }
    expect((await board.storage.users.getUserByKey('mia'))?.role).toBe('member')
    expect((await board.storage.users.getUserByKey('otto'))?.suspendedUntil).toBeNull()
    const json = await member.get('/admin/users', { accept: 'application/json' })
    expect(JSON.parse(json.body)).toEqual({
      error: { code: 'AUTH_FORBIDDEN', message: 'Only admins can see this page.' },
    })
  })

  it('sends a signed-out browser to sign in', async () => {
    for (const page of pages) {
      const response = await new Client(board.app).get(page)
      expect(response.statusCode, page).toBe(303)
      expect(response.headers.location).toBe('/login')
    }
  })

  it('shows the Admin link to admins only', async () => {
    expect((await admin.get('/')).body).toContain('<a href="/admin/reports">Admin</a>')
    expect((await member.get('/')).body).not.toContain('/admin/reports')
    expect((await admin.get('/admin')).headers.location).toBe('/admin/reports')
  })
})

describe('deleting any post as an admin', () => {
  it("shows admins a Delete form with a reason on others' posts, and members a Report form", async () => {
    const id = await postBy(other, 'otto writes something')
    const seenByAdmin = postItem((await admin.get('/')).body, id)
    expect(seenByAdmin).toContain(`action="/posts/${id}/moderate"`)
    expect(seenByAdmin).toContain('name="reason"')
    expect(seenByAdmin).not.toContain('/report"')
    const seenByMember = postItem((await member.get('/')).body, id)
    expect(seenByMember).toContain(`action="/posts/${id}/report"`)
    expect(seenByMember).not.toContain('/moderate')
    const seenByAuthor = postItem((await other.get('/')).body, id)
    expect(seenByAuthor).toContain(`action="/posts/${id}/delete"`)
    expect(seenByAuthor).not.toContain('/report"')
  })

  it('deletes the post, tells live pages, and writes who, what and why to the audit log', async () => {
    const id = await postBy(other, 'a rude post')
    const events: PostEvent[] = []
    const unsubscribe = board.events.subscribe((event) => events.push(event))
    const response = await admin.submit('/', `/posts/${id}/moderate`, { reason: 'rude\nto everyone' })
    unsubscribe()
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
    expect(await board.storage.posts.getPost(id)).toBeNull()
    expect(events).toEqual([{ type: 'deleted', id }])
    const [entry] = await audit()
    expect(entry).toMatchObject({
      action: 'post.delete',
      actorId: await userId('root'),
      actorName: 'root',
      targetName: 'otto',
      targetPostId: id,
      reason: 'rude to everyone',
      details: { excerpt: 'a rude post' },
    })
    const page = (await admin.get('/admin/audit')).body
    expect(page).toMatch(
      /<strong class="actor">root<\/strong> <span class="action">deleted a post<\/span> <span class="target">post #\d+ by otto<\/span>/,
    )
    expect(page).toContain('Reason: rude to everyone')
    expect(page).toContain('“a rude post”')
  })

  it('refuses members (403) and keeps the post', async () => {
    const id = await postBy(other, 'still here')
    expect((await member.submit('/', `/posts/${id}/moderate`, { reason: 'I do not like it' })).statusCode).toBe(403)
    expect((await member.get(`/posts/${id}/moderate`)).statusCode).toBe(403)
    expect(await board.storage.posts.getPost(id)).not.toBeNull()
  })

  it('answers 404 for a missing post and re-renders a too long reason', async () => {
    expect((await admin.submit('/', '/posts/999999/moderate', { reason: 'x' })).statusCode).toBe(404)
    const id = await postBy(other, 'long reason target')
    const response = await admin.submit('/', `/posts/${id}/moderate`, { reason: 'y'.repeat(501) })
    expect(response.statusCode).toBe(400)
    expect(response.body).toMatch(/<p class="field-error" id="reason-error">[^<]*500[^<]*<\/p>/)
    expect(await board.storage.posts.getPost(id)).not.toBeNull()
  })
})

describe('reports', () => {
  it('lets a member report a post with a reason, and shows the reports grouped by post to admins', async () => {
    const id = await postBy(other, 'spam spam spam')
    const sent = await member.submit('/', `/posts/${id}/report`, { reason: 'it is <b>spam</b>' })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`/posts/${id}/report?sent=1`)
    expect((await member.get(String(sent.headers.location))).body).toContain('Your report was sent to the admins.')
    // A double submit files one report.
    await member.submit('/', `/posts/${id}/report`, { reason: 'it is <b>spam</b>' })
    await admin.submit('/', `/posts/${id}/report`, { reason: '' })

    const page = await admin.get('/admin/reports')
    expect(page.statusCode).toBe(200)
    const group = page.body.split('<li class="report-group"').find((part) => part.includes(`id="reported-post-${id}"`))!
    expect(group).toContain('spam spam spam')
    expect(group).toContain('2 reports')
    expect(group).toContain('<strong>mia</strong>')
    expect(group).toContain('it is &lt;b&gt;spam&lt;/b&gt;')
    expect(group).toContain('(no reason given)')
    expect(page.body).toMatch(/Reports <span class="count">\d+<\/span>/)
  })

  it("refuses reporting one's own post (403) and a too long reason (400), and 404s a missing post", async () => {
    const id = await postBy(member, 'mine')
    expect((await member.submit('/', `/posts/${id}/report`, { reason: 'oops' })).statusCode).toBe(403)
    const other_ = await postBy(other, 'report me badly')
    const long = await member.submit('/', `/posts/${other_}/report`, { reason: 'z'.repeat(501) })
    expect(long.statusCode).toBe(400)
    expect(long.body).toMatch(/<p class="field-error" id="reason-error">[^<]*500[^<]*<\/p>/)
    expect((await member.submit('/', '/posts/999999/report', {})).statusCode).toBe(404)
    expect(
      (await board.storage.reports.listOpen({ limit: 100 })).some((r) => r.postId === id || r.postId === other_),
    ).toBe(false)
  })

  it('dismisses the reports of a post (audited), or deletes the post from the reports page', async () => {
    const kept = await postBy(other, 'harmless joke')
    const removed = await postBy(other, 'really bad')
    await member.submit('/', `/posts/${kept}/report`, { reason: 'not funny' })
    await member.submit('/', `/posts/${removed}/report`, { reason: 'bad' })
    const open = await board.storage.reports.listOpen({ limit: 100 })
    const keptIds = open.filter((r) => r.postId === kept).map((r) => r.id)

    const dismissed = await admin.submit('/admin/reports', '/admin/reports/resolve', {
      reports: keptIds.join(','),
      reason: 'just a joke',
    })
    expect(dismissed.headers.location).toBe('/admin/reports?done=resolved&count=1')
    expect(await board.storage.posts.getPost(kept)).not.toBeNull()
    expect((await audit())[0]).toMatchObject({
      action: 'report.resolve',
      actorName: 'root',
      reason: 'just a joke',
      targetPostId: kept,
    })

    const deleted = await admin.submit('/admin/reports', `/posts/${removed}/moderate`, {
      reason: 'reported and bad',
      return: '/admin/reports',
    })
    expect(deleted.headers.location).toBe('/admin/reports?done=deleted')
    const page = (await admin.get('/admin/reports?done=deleted')).body
    expect(page).toContain('The post is deleted; its reports went with it.')
    expect(page).not.toContain(`reported-post-${kept}"`)
    expect(page).not.toContain(`reported-post-${removed}"`)
  })
})

describe('suspending users from /admin/users', () => {
  it('suspends for a time with a reason: sessions end, sign-in says until when, and lifting it lets them in', async () => {
    const victim = new Client(board.app)
    await victim.register('sam', 'sam password')
    const users = (await admin.get('/admin/users')).body
    expect(users).toContain('data-username="sam"')

    const before = board.clock.now
    const response = await admin.submit('/admin/users', '/admin/users/suspend', {
      username: 'sam',
      duration: '1d',
      reason: 'cooling off',
    })
    expect(response.statusCode).toBe(303)
    const id = await userId('sam')
    expect(response.headers.location).toBe(`/admin/users?done=suspended&user=${id}`)
    expect((await admin.get(String(response.headers.location))).body).toContain(
      '“sam” is suspended and signed out everywhere.',
    )
    const until = (await board.storage.users.getUserByKey('sam'))!.suspendedUntil!
    expect(until).toBe(before + 86_400_000)

    expect((await victim.get('/')).headers.location).toBe('/login')
    const login = await victim.login('sam', 'sam password')
    expect(login.statusCode).toBe(403)
    const when = `${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC`
    expect(login.body).toContain(`This account is suspended by a moderator until ${when}.`)
    // A wrong password does not reveal the suspension.
    const guess = await new Client(board.app).login('sam', 'wrong password')
    expect(guess.statusCode).toBe(401)
    expect(guess.body).not.toContain('suspended')

    expect((await admin.get('/admin/users?q=SA')).body).toMatch(/Suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC/)
    expect((await audit())[0]).toMatchObject({
      action: 'user.suspend',
      actorName: 'root',
      targetName: 'sam',
      reason: 'cooling off',
      details: { until },
    })

    const lifted = await admin.submit('/admin/users', '/admin/users/unsuspend', { username: 'sam', reason: 'appeal' })
    expect(lifted.headers.location).toBe(`/admin/users?done=unsuspended&user=${id}`)
    expect((await victim.login('sam', 'sam password')).statusCode).toBe(303)
    expect((await audit())[0]).toMatchObject({ action: 'user.unsuspend', targetName: 'sam', reason: 'appeal' })
  })

  it('suspends for good, with the message saying so', async () => {
    const victim = new Client(board.app)
    await victim.register('permanent', 'permanent password')
    await admin.submit('/admin/users', '/admin/users/suspend', { username: 'permanent', duration: 'forever' })
    const login = await victim.login('permanent', 'permanent password')
    expect(login.statusCode).toBe(403)
    expect(login.body).toContain('This account has been suspended by a moderator.')
    expect((await admin.get('/admin/users?q=permanent')).body).toContain('Suspended for good')
  })

  it('refuses to suspend oneself or an unknown user, or an unknown duration, with the message on the page', async () => {
    const self = await admin.submit('/admin/users', '/admin/users/suspend', { username: 'root', duration: '1h' })
    expect(self.statusCode).toBe(403)
    expect(self.body).toMatch(/<p class="error" role="alert" id="admin-error">You cannot suspend yourself<\/p>/)
    const nobody = await admin.submit('/admin/users', '/admin/users/suspend', { username: 'nobody', duration: '1h' })
    expect(nobody.statusCode).toBe(404)
    expect(nobody.body).toContain('No user named &quot;nobody&quot;')
    const bad = await admin.submit('/admin/users', '/admin/users/suspend', { username: 'otto', duration: '1y' })
    expect(bad.statusCode).toBe(400)
    expect((await board.storage.users.getUserByKey('otto'))?.suspendedUntil).toBeNull()
  })

  it('promotes a member, who then sees the admin pages; demoting takes them away; all audited', async () => {
    const helper = new Client(board.app)
    await helper.register('helper', 'helper password')
    expect((await helper.get('/admin/users')).statusCode).toBe(403)
    const promoted = await admin.submit('/admin/users', '/admin/users/promote', {
      username: 'HELPER',
      reason: 'trusted',
    })
    expect(promoted.headers.location).toBe(`/admin/users?done=promoted&user=${await userId('helper')}`)
    expect((await helper.get('/admin/users')).statusCode).toBe(200)
    const again = await admin.submit('/admin/users', '/admin/users/promote', { username: 'helper' })
    expect(again.headers.location).toMatch(/done=unchanged/)
    await admin.submit('/admin/users', '/admin/users/demote', { username: 'helper', reason: 'stepped down' })
    expect((await helper.get('/admin/users')).statusCode).toBe(403)
    const entries = (await audit()).filter((entry) => entry.targetName === 'helper')
    expect(entries.map((entry) => [entry.action, entry.reason])).toEqual([
      ['user.demote', 'stepped down'],
      ['user.promote', 'trusted'],
    ])
  })
})

describe('the audit log page', () => {
  it('shows command-line actions as "command line", newest first, and pages', async () => {
    const page = await admin.get('/admin/audit')
    expect(page.statusCode).toBe(200)
    // The first admin was promoted from the command line in beforeAll.
    expect(page.body).toMatch(
      /<strong class="actor cli">command line<\/strong> <span class="action">made admin<\/span> <span class="target">root<\/span>/,
    )
    expect(page.body).toContain('Reason: first admin')
    const ids = [...page.body.matchAll(/data-audit-id="(\d+)"/g)].map((match) => Number(match[1]))
    expect(ids).toEqual([...ids].sort((a, b) => b - a))

    for (let i = 0; i < 30; i++) {
      const name = i % 2 ? 'otto' : 'mia'
      await board.auth.promote(null, name, `round ${i}`)
      await board.auth.demote(null, name)
    }
    // Follow "Older" to the end: 50 a page, every entry once, the first one last.
    const seen: number[] = []
    let url: string | null = '/admin/audit'
    let last = ''
    while (url) {
      const response = await admin.get(url)
      const pageIds = [...response.body.matchAll(/data-audit-id="(\d+)"/g)].map((match) => Number(match[1]))
      expect(pageIds.length).toBeLessThanOrEqual(50)
      seen.push(...pageIds)
      last = response.body
      const older = /href="\/admin\/audit\?before=(\d+)" rel="next"/.exec(response.body)
      url = older ? `/admin/audit?before=${older[1]}` : null
    }
    expect(seen.length).toBeGreaterThan(60)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.at(-1)).toBe(1)
    expect(last).toContain('Reason: first admin')
  })
})
