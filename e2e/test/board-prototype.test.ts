/**
 * `__proto__` and `constructor.prototype` keys in form and JSON bodies sent to the real board over
 * TLS: never a 5xx, never a polluted prototype in the process the board runs in, and a post made
 * with extra keys stores only its text.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { PASSWORD, type RunningBoard, Site } from '../src/site.js'

let site: Site
let board: RunningBoard
let client: BoardClient

beforeAll(async () => {
  site = await Site.open()
  board = await site.startBoard()
  await site.createUser('alice')
  client = new BoardClient(board.origin, site.certs.ca)
  expect((await client.login('alice', PASSWORD)).status).toBe(303)
})

afterAll(async () => {
  await site?.close()
})

function polluted(): unknown[] {
  const probe = {} as Record<string, unknown>
  return [probe.polluted, probe.admin, probe.isAdmin, (Object.prototype as Record<string, unknown>).polluted]
}

const FORM_BODIES = [
  '__proto__[polluted]=1&body=hello%201',
  '__proto__.polluted=1&body=hello%202',
  'constructor[prototype][polluted]=1&body=hello%203',
  'constructor.prototype.polluted=1&body=hello%204',
  '__proto__=polluted&body=hello%205',
  'body=hello%206&body[__proto__][admin]=1',
]

it('ignores prototype keys in form bodies (posts, login, register), with no 5xx and no pollution', async () => {
  const csrf = await client.csrfToken('/')
  for (const form of FORM_BODIES) {
    for (const path of ['/posts', '/login', '/register']) {
      const response = await client.request(
        'POST',
        path,
        { 'content-type': 'application/x-www-form-urlencoded', origin: board.origin, 'sec-fetch-site': 'same-origin' },
        `${form}&_csrf=${encodeURIComponent(csrf)}&username=alice&password=${encodeURIComponent(PASSWORD)}`,
      )
      expect(response.status, `${path} ${form}`).toBeLessThan(500)
      expect(polluted()).toEqual([undefined, undefined, undefined, undefined])
    }
  }
  const posts = await site.storage.posts.listPosts({ limit: 100 })
  expect(posts.length).toBeGreaterThan(0)
  for (const post of posts) expect(post.body).toMatch(/^hello \d$/)
  expect(board.logs.text()).not.toMatch(/"level":(50|60)/)
})

it('refuses JSON bodies with prototype keys without a 5xx or pollution', async () => {
  const csrf = await client.csrfToken('/')
  for (const json of [
    `{"body":"x","_csrf":"${csrf}","__proto__":{"polluted":1}}`,
    `{"body":"x","_csrf":"${csrf}","constructor":{"prototype":{"polluted":1}}}`,
  ]) {
    const response = await client.request(
      'POST',
      '/posts',
      {
        'content-type': 'application/json',
        origin: board.origin,
        'sec-fetch-site': 'same-origin',
        accept: 'application/json',
      },
      json,
    )
    expect(response.status, json).toBeGreaterThanOrEqual(400)
    expect(response.status, json).toBeLessThan(500)
    expect(polluted()).toEqual([undefined, undefined, undefined, undefined])
  }
})
