/**
 * public/ served from memory (routes/static.ts, assets/build.ts): pages link content-hashed URLs that
 * are cached as immutable, each file comes as brotli, gzip or plain bytes by Accept-Encoding, and the
 * chat modules import each other by hashed name.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publicDir } from '../src/paths.js'
import { FAVICON, IMMUTABLE, REVALIDATE } from '../src/routes/static.js'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let alice: Client
let links: Record<string, string>

beforeAll(async () => {
  board = await createTestBoard()
  alice = new Client(board.app)
  await alice.register('alice', 'alice password')
  const page = (await alice.get('/')).body
  links = Object.fromEntries(
    [...page.matchAll(/(?:href|src)="(\/static\/([\w-]+)\.[\w-]{16}(\.\w+))"/g)].map((m) => [`${m[2]}${m[3]}`, m[1]!]),
  )
})
afterAll(async () => {
  await board?.close()
})

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body)
  if (encoding === 'gzip') return gunzipSync(body)
  return body
}

describe('static files', () => {
  it('are linked from pages by content-hashed URL and cached as immutable', async () => {
    expect(Object.keys(links)).toEqual(
      expect.arrayContaining(['board.css', 'board.js', 'chat.css', 'chat.js', 'favicon.svg']),
    )
    const css = await alice.get(links['board.css']!)
    expect(css.statusCode).toBe(200)
    expect(css.headers['cache-control']).toBe(IMMUTABLE)
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(css.headers.vary).toBe('accept-encoding')
    expect(css.rawPayload.equals(await readFile(join(publicDir, 'board.css')))).toBe(true)
  })

  it('sends brotli, else gzip, else plain bytes, all decoding to the same file', async () => {
    // A script that imports nothing, so the bytes served are the file's own (imports are rewritten).
    const url = links['notifications.js']!
    const plain = await readFile(join(publicDir, 'notifications.js'))
    const cases: [string | undefined, string | undefined][] = [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip;q=0.5', 'gzip'],
      ['identity', undefined],
      [undefined, undefined],
    ]
    const etags = new Set<string>()
    for (const [accept, expected] of cases) {
      const response = await alice.get(url, accept === undefined ? {} : { 'accept-encoding': accept })
      expect(response.headers['content-encoding'], accept).toBe(expected)
      expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length)
      expect(decode(response.rawPayload, expected).equals(plain), accept).toBe(true)
      if (expected) expect(response.rawPayload.length).toBeLessThan(plain.length)
      etags.add(String(response.headers.etag))
    }
    // One strong validator per representation.
    expect(etags.size).toBe(3)
  })

  it('answers If-None-Match with 304 and HEAD with the length but no body', async () => {
    const url = links['chat.css']!
    const first = await alice.get(url, { 'accept-encoding': 'br' })
    const again = await alice.get(url, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    const head = await alice.request({ method: 'HEAD', url, headers: { 'accept-encoding': 'br' } })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-length']).toBe(first.headers['content-length'])
    expect(head.body).toBe('')
  })

  it('rewrites the chat modules’ imports to hashed names that are served', async () => {
    const chat = (await alice.get(links['chat.js']!)).body
    const imports = [...chat.matchAll(/from '\.\/([\w.-]+)'/g)].map((match) => match[1]!)
    expect(imports.length).toBeGreaterThanOrEqual(3)
    for (const name of imports) {
      expect(name).toMatch(/^chat-[a-z]+\.[\w-]{16}\.js$/)
      const module = await alice.get(`/static/${name}`)
      expect(module.statusCode, name).toBe(200)
      expect(module.headers['cache-control']).toBe(IMMUTABLE)
    }
  })

  it('serves the shared chat client (@parley/chat-client) as compiled modules under hashed names', async () => {
    const chat = (await alice.get(links['chat.js']!)).body
    const connectionName = chat.match(/from '\.\/(chat-connection\.[\w-]{16}\.js)'/)?.[1]
    const connection = (await alice.get(`/static/${connectionName}`)).body
    expect(connection).not.toMatch(/from '@parley\//)
    const entry = connection.match(/from '\.\/(chat-client\.index\.[\w-]{16}\.js)'/)?.[1]
    expect(entry).toBeDefined()
    const index = await alice.get(`/static/${entry}`)
    expect(index.statusCode).toBe(200)
    expect(index.headers['cache-control']).toBe(IMMUTABLE)
    // The package's own modules import each other by hashed name too, and the client is among them.
    const parts = [...index.body.matchAll(/from '\.\/(chat-client\.[\w.-]+)'/g)].map((match) => match[1]!)
    expect(parts).toEqual(expect.arrayContaining([expect.stringMatching(/^chat-client\.client\.[\w-]{16}\.js$/)]))
    for (const name of parts) {
      const module = await alice.get(`/static/${name}`)
      expect(module.statusCode, name).toBe(200)
      expect(module.body).not.toMatch(/from '(?!\.\/chat-client\.)/)
    }
  })

  it('still serves plain names, with revalidation, and nothing that is not a prepared file', async () => {
    const plain = await alice.get('/static/board.css')
    expect(plain.statusCode).toBe(200)
    expect(plain.headers['cache-control']).toBe(REVALIDATE)
    for (const url of ['/static/nope.css', '/static/.hidden', '/static/board.0000000000000000.css', '/static/']) {
      expect((await alice.get(url)).statusCode, url).toBe(404)
    }
  })
})

describe('the icon', () => {
  it('is linked from pages and answers /favicon.ico too (browsers ask for it), cached and revalidated', async () => {
    expect((await alice.get('/')).body).toMatch(
      /<link rel="icon" href="\/static\/favicon\.[\w-]{16}\.svg" type="image\/svg\+xml">/,
    )
    const svg = await readFile(join(publicDir, FAVICON))
    const linked = await alice.get(links['favicon.svg']!)
    expect(linked.headers['content-type']).toBe('image/svg+xml')
    expect(linked.headers['cache-control']).toBe(IMMUTABLE)
    const icon = await alice.get('/favicon.ico')
    expect(icon.statusCode).toBe(200)
    expect(icon.headers['content-type']).toBe('image/svg+xml')
    expect(icon.headers['cache-control']).toBe(REVALIDATE)
    expect(decode(icon.rawPayload, icon.headers['content-encoding'] as string | undefined).equals(svg)).toBe(true)
    const again = await alice.get('/favicon.ico', { 'if-none-match': String(icon.headers.etag) })
    expect(again.statusCode).toBe(304)
    // Signed out too: the login page asks for it before anyone signs in.
    const visitor = new Client(board.app)
    expect((await visitor.get('/favicon.ico')).statusCode).toBe(200)
  })
})
