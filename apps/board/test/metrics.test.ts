/**
 * Prometheus metrics: not on the public port, only on the separate listener and with its token, and
 * the counters move under a small load. The last test runs the real `main.ts` process.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { type MetricsServer, serveMetrics } from '@parley/metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

const TOKEN = 'metrics-token-for-tests-0123456789'

interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

function fetchText(url: string, headers: Record<string, string> = {}, ca?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(target, { headers, ca }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }))
    })
    request.on('error', reject)
    request.end()
  })
}

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const labelText = /^[^{ ]+\{([^}]*)\}/.exec(line)?.[1] ?? ''
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1))
    }
  }
  return 0
}

describe('board metrics', () => {
  let board: TestBoard
  let server: MetricsServer
  const scrape = async () => {
    const response = await fetchText(server.url, { authorization: `Bearer ${TOKEN}` })
    expect(response.status).toBe(200)
    return response.body
  }

  beforeAll(async () => {
    board = await createTestBoard({ metrics: true })
    server = await serveMetrics(board.metrics!.registry, { port: 0, token: TOKEN })
  })
  afterAll(async () => {
    await server?.close()
    await board?.close()
  })

  it('is not on the public port: /metrics there is a 404 page', async () => {
    const client = new Client(board.app)
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }]
    for (const headers of attempts) {
      const response = await client.get('/metrics', headers)
      expect(response.statusCode).toBe(404)
      expect(response.body).not.toContain('parley_board_')
    }
  })

  it('answers 401 without the token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer metrics-token-for-tests-0123456788' },
      { authorization: TOKEN },
    ]
    for (const headers of attempts) {
      const response = await fetchText(server.url, headers)
      expect(response.status).toBe(401)
      expect(response.body).not.toContain('parley_board_')
    }
  })

  it('counts requests by route pattern and status, sign-in failures and lockouts, sessions and posts', async () => {
    const before = await scrape()
    const client = new Client(board.app)
    await client.register('counted', 'counted password')
    for (let i = 0; i < 3; i++) await client.createPost(`post number ${i}`)
    const post = (await board.storage.posts.listPosts({ limit: 1 }))[0]!
    expect((await client.get(`/posts/${post.id}/edit`)).statusCode).toBe(200)
    for (let i = 0; i < 5; i++) await client.get('/no/such/page')
    const stranger = new Client(board.app)
    for (let i = 0; i < 3; i++) await stranger.login('counted', `wrong ${i}`)
    await stranger.login('counted', 'counted password') // locked now
    await stranger.login('nobody-here', 'whatever password')

    const after = await scrape()
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels)
    expect(delta('parley_board_posts_created_total')).toBe(3)
    expect(delta('parley_board_sessions_created_total', { kind: 'register' })).toBe(1)
    expect(delta('parley_board_sessions_created_total', { kind: 'login' })).toBe(0)
    expect(delta('parley_board_login_failures_total', { code: 'AUTH_INVALID_CREDENTIALS' })).toBe(3)
    expect(delta('parley_board_login_failures_total', { code: 'AUTH_NOW_LOCKED' })).toBe(1)
    expect(delta('parley_board_login_failures_total', { code: 'AUTH_LOCKED' })).toBe(1)
    expect(delta('parley_board_lockouts_total')).toBe(1)
    expect(delta('parley_board_http_requests_total', { method: 'POST', route: '/posts', status: '303' })).toBe(3)
    expect(delta('parley_board_http_requests_total', { method: 'GET', route: '/posts/:id/edit', status: '200' })).toBe(
      1,
    )
    expect(delta('parley_board_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(5)
    expect(
      delta('parley_board_http_request_duration_seconds_count', { route: '/posts', method: 'POST', status: '303' }),
    ).toBe(3)
    // Route patterns only: raw URLs never become label values.
    expect(after).not.toContain(`route="/posts/${post.id}/edit"`)
    expect(after).not.toContain('/no/such/page')
    // Process metrics from @parley/metrics.
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(after).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e+-]+$/m)
  })

  it('counts rate-limited sign-ins by their code', async () => {
    const limited = await createTestBoard({ metrics: true, env: { AUTH_RATE_LIMIT: '2' } })
    try {
      const client = new Client(limited.app)
      for (let i = 0; i < 3; i++) await client.login('someone', `guess ${i}`)
      const text = await limited.metrics!.registry.metrics()
      expect(sample(text, 'parley_board_login_failures_total', { code: 'RATE_LIMITED' })).toBe(1)
      expect(sample(text, 'parley_board_login_failures_total', { code: 'AUTH_INVALID_CREDENTIALS' })).toBe(2)
    } finally {
      await limited.close()
    }
  })
})

describe('request log', () => {
  it('writes one line per request with the user id, and no password, cookie, token or body', async () => {
    const board = await createTestBoard()
    try {
      const client = new Client(board.app)
      await client.register('logged', 'a secret password')
      await client.createPost('a body that stays out of the log')
      const id = (await board.storage.users.getUserByKey('logged'))!.id
      const mark = board.logs.length
      await client.get('/account?done=gone')
      const lines = board.logs.slice(mark).filter((line) => line.msg === 'request')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({
        method: 'GET',
        path: '/account',
        route: '/account',
        statusCode: 200,
        userId: id,
        reqId: expect.any(String),
      })
      expect(typeof lines[0]!.durationMs).toBe('number')
      // Fastify's own two lines per request are off.
      expect(board.logs.some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(false)
      const posts = board.logs.filter((line) => line.msg === 'request' && line.path === '/posts')
      expect(posts).toEqual([expect.objectContaining({ method: 'POST', statusCode: 303, userId: id })])
      const text = board.logText()
      expect(text).not.toContain('a secret password')
      expect(text).not.toContain('a body that stays out of the log')
      for (const value of client.cookies.values()) if (value.length > 8) expect(text).not.toContain(value)
    } finally {
      await board.close()
    }
  })
})

describe('main.ts with BOARD_METRICS_PORT (and an old variable name)', () => {
  let child: ChildProcess | null = null
  let dir = ''
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('serves metrics on a separate loopback port with the token, not on the board port, and stops on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-board-main-'))
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: {
        ...process.env,
        BOARD_HOST: '127.0.0.1',
        BOARD_PORT: '0',
        DATABASE_PATH: join(dir, 'parley.db'),
        CERTS_DIR: join(dir, 'certs'),
        MEDIA_DIR: join(dir, 'media'),
        BOARD_METRICS_PORT: '0',
        BOARD_METRICS_TOKEN: TOKEN,
        // An old name still works for one release, with one warning line at start-up.
        BLOCK_DURATION: '60',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    const urls: { board?: string; metrics?: string } = {}
    const lines = createInterface({ input: child.stdout! })
    for await (const line of lines) {
      output.push(line)
      const entry = JSON.parse(line) as { msg?: string; url?: string }
      if (entry.msg?.startsWith('Parley board on')) urls.board = entry.url
      if (entry.msg?.startsWith('Prometheus metrics on')) urls.metrics = entry.url
      if (urls.board && urls.metrics) break
    }
    child.stdout!.resume() // keep draining: a full pipe would block the child's logger
    expect(urls.metrics, output.join('\n')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(output.join('\n')).not.toContain(TOKEN)
    const deprecations = output.filter((line) => line.includes('deprecated'))
    expect(deprecations.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'BLOCK_DURATION is deprecated and will stop working in the next release: set BLOCK_DURATION_SECONDS instead',
      }),
    ])

    const ca = await readFile(join(dir, 'certs', 'ca.pem'))
    const publicMetrics = await fetchText(`${urls.board}metrics`, {}, ca)
    expect(publicMetrics.status).toBe(404)
    expect((await fetchText(urls.metrics!)).status).toBe(401)
    expect((await fetchText(urls.metrics!, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401)
    await fetchText(`${urls.board}login`, {}, ca)
    const scraped = await fetchText(urls.metrics!, { authorization: `Bearer ${TOKEN}` })
    expect(scraped.status).toBe(200)
    expect(sample(scraped.body, 'parley_board_http_requests_total', { route: '/login', status: '200' })).toBe(1)
    expect(sample(scraped.body, 'parley_board_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1)

    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
  }, 120_000)
})
