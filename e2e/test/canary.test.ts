/**
 * A canary password, used in every way a person uses a password (register, sign in, wrong guesses,
 * typed into the username field, in malformed chat frames), never appears in the database files,
 * in the board's or the gateway's pino logs (debug level), or in any HTTP or WebSocket response;
 * session tokens never appear in the database or the logs either. Real board, real gateway, one
 * SQLite file (its -wal and -shm included), real TLS.
 */
import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BoardClient } from '../src/board-client.js'
import { ChatClient } from '../src/chat-client.js'
import { type RunningBoard, type RunningGateway, Site } from '../src/site.js'

let site: Site
let board: RunningBoard
let gw: RunningGateway

beforeAll(async () => {
  site = await Site.open()
  board = await site.startBoard({ LOG_LEVEL: 'debug' })
  gw = await site.startGateway({ allowedOrigins: [board.origin] })
})

afterAll(async () => {
  await site?.close()
})

function occurrences(haystack: Buffer, secret: string): number {
  let count = 0
  for (const needle of [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')]) {
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++
  }
  return count
}

it('never stores, logs or sends back the password, and never stores or logs a session token', async () => {
  const canary = `Canary-${randomUUID()}`
  const wrong = `${canary}-wrong`

  // The board: register, sign out, a wrong guess, sign in, post, sign out.
  const browser = new BoardClient(board.origin, site.certs.ca)
  await browser.register('luke', canary)
  const boardToken = browser.sessionToken!
  await browser.createPost('hello from luke')
  await browser.logout()
  expect((await browser.login('luke', wrong)).status).toBe(401)
  expect((await browser.login('luke', canary)).status).toBe(303)
  const secondBoardToken = browser.sessionToken!
  // Too long and with the right password: the form is re-rendered without the password.
  expect((await browser.submit('/register', '/register', { username: 'x'.repeat(40), password: canary })).status).toBe(
    400,
  )
  const cookieTab = await ChatClient.connect(gw.url, {
    ca: site.certs.ca,
    origin: board.origin,
    cookie: `__Host-parley=${secondBoardToken}`,
  })
  expect(await cookieTab.request({ type: 'resume', v: 1 })).toMatchObject({ type: 'welcome' })
  cookieTab.close()

  // The chat: a wrong guess, a login, malformed frames carrying the password, logout.
  await cookieTab.closed
  const chat = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  expect(await chat.request({ type: 'login', v: 1, username: 'luke', password: wrong })).toMatchObject({
    type: 'error',
  })
  const welcome = await chat.login('luke', canary)
  const chatToken = welcome.token!
  chat.sendRaw(JSON.stringify({ type: 'login', id: 'bad1', v: 1, username: 'luke', password: canary, extra: true }))
  chat.sendRaw(`{"type":"login","id":"bad2","v":1,"username":"luke","password":"${canary}"`)
  chat.sendRaw(JSON.stringify({ type: 'login', id: 'bad3', v: 2, username: 'luke', password: canary }))
  await chat.waitFor((frame) => frame.type === 'error' && frame.replyTo === 'bad3')
  await chat.waitFor((frame) => frame.type === 'error' && frame.replyTo === 'bad1')
  chat.send({ type: 'logout' })
  await chat.closed

  // People type their password into the username field: it must not be logged or stored. (Its own
  // reply may echo it back to the person who typed it; those replies are not searched.)
  const typo = new BoardClient(board.origin, site.certs.ca)
  expect((await typo.login(canary, canary)).status).toBe(401)
  const typoChat = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  expect(await typoChat.request({ type: 'login', v: 1, username: canary, password: canary })).toMatchObject({
    type: 'error',
  })
  await typoChat.request({ type: 'lookup', username: canary })
  typoChat.terminate()

  const dataDir = dirname(site.dbPath)
  const files = (await readdir(dataDir)).filter((name) => name.startsWith('parley.db'))
  expect(files).toContain('parley.db')
  const database = Buffer.concat(await Promise.all(files.map((name) => readFile(join(dataDir, name)))))
  const logs = Buffer.from(board.logs.text() + gw.logs.text())
  const responses = Buffer.from([...browser.transcript, ...cookieTab.raw, ...chat.raw].join('\n'))

  // The searches looked at real content: the account, the post and the sign-ins are there.
  expect(database.includes('hello from luke')).toBe(true)
  expect(board.logs.entries().some((entry) => entry.msg === 'signed in')).toBe(true)
  expect(gw.logs.entries().some((entry) => entry.msg === 'signed in')).toBe(true)
  expect(responses.includes('hello from luke')).toBe(true)
  expect(welcome.username).toBe('luke')

  for (const secret of [canary, wrong]) {
    expect(occurrences(database, secret), 'password in the database').toBe(0)
    expect(occurrences(logs, secret), 'password in the logs').toBe(0)
    expect(occurrences(responses, secret), 'password in a response').toBe(0)
  }
  for (const token of [boardToken, secondBoardToken, chatToken]) {
    expect(occurrences(database, token), 'session token in the database').toBe(0)
    expect(occurrences(logs, token), 'session token in the logs').toBe(0)
  }
})
