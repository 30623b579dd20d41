/**
 * Test helpers: a real board app over a fresh temp-dir SQLite database, real certificates and a
 * real media folder, plus a small cookie-keeping client for `app.inject()`.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { type Auth, createAuth } from '@parley/auth'
import { type CertFiles, ensureCerts } from '@parley/certs'
import { createMetricsRegistry } from '@parley/metrics'
import { openSqliteStorage, type Storage } from '@parley/storage'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { type BoardConfig, loadConfig } from '../src/config.js'
import { createLocalPostEvents, type PostEvents } from '../src/events/post-events.js'
import type { BoardInstance } from '../src/http/types.js'
import { createLogger } from '../src/logging.js'
import { createMediaLibrary } from '../src/media/index.js'
import { type BoardMetrics, createBoardMetrics } from '../src/metrics/board-metrics.js'
import { type BoardDeps, createServer } from '../src/server.js'

export const HOST = 'localhost:8181'
export const ORIGIN = `https://${HOST}`
export const REPO_MEDIA = new URL('../../../media/', import.meta.url).pathname

export interface TestBoard {
  app: BoardInstance
  dir: string
  config: BoardConfig
  storage: Storage
  auth: Auth
  events: PostEvents
  logs: Record<string, unknown>[]
  /** Every log line as written, for searching secrets. */
  logText: () => string
  clock: { now: number }
  /** Set when the board was created with `metrics: true`. */
  metrics: BoardMetrics | null
  close(): Promise<void>
}

export interface TestBoardOptions {
  env?: Record<string, string>
  /** Copy the repository's sample media into the test media folder. */
  sampleMedia?: boolean
  /** Count requests, sign-ins and posts on a fresh registry (with process metrics). */
  metrics?: boolean
  /** The bus /readyz reports (the caller opens and closes it). */
  bus?: BoardDeps['bus']
  /** Replaces the media disk's free-space probe (upload reserve tests). */
  freeBytes?: BoardDeps['freeBytes']
}

/** A board on a fresh temp folder (database, certificates, media). Not listening: use inject() or listen(). */
export async function createTestBoard(options: TestBoardOptions = {}): Promise<TestBoard> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-board-'))
  const config = loadConfig(
    { AUTH_RATE_LIMIT: '1000', AUTH_CREATE_RATE_LIMIT: '1000', LOG_LEVEL: 'info', ...options.env },
    { repoRoot: dir, cwd: dir },
  )
  await mkdir(config.mediaDir, { recursive: true })
  if (options.sampleMedia) {
    for (const name of ['sample-clip.mp4', 'sample-tone.wav']) {
      await copyFile(join(REPO_MEDIA, name), join(config.mediaDir, name))
    }
  }
  const certs = await ensureCerts(config.certsDir)
  const storage = await openSqliteStorage(config.databasePath)
  const clock = { now: Date.now() }
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = createLogger(config.logLevel, sink)
  const auth = createAuth({
    storage,
    now: () => clock.now,
    log: logger.child({ module: 'auth' }),
    config: {
      minPasswordLength: config.minPasswordLength,
      blockDurationMs: config.blockDurationSeconds * 1000,
    },
  })
  const events = createLocalPostEvents()
  const metrics = options.metrics ? createBoardMetrics(createMetricsRegistry()) : null
  const app = await createBoardServer(config, certs, {
    logger,
    storage,
    auth,
    events,
    now: () => clock.now,
    ...(metrics ? { metrics } : {}),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.freeBytes ? { freeBytes: options.freeBytes } : {}),
  })
  return {
    app,
    dir,
    config,
    storage,
    auth,
    events,
    get logs() {
      return lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    },
    logText: () => lines.join(''),
    clock,
    metrics,
    async close() {
      await app.close()
      await events.close()
      await storage.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A board server on its config's certificates and media folder, for tests that assemble their own
 * parts (createTestBoard; several boards sharing one database and bus).
 */
export function createBoardServer(
  config: BoardConfig,
  certs: Pick<CertFiles, 'key' | 'cert'>,
  deps: Omit<BoardDeps, 'tls' | 'media'>,
): Promise<BoardInstance> {
  return createServer(config, {
    ...deps,
    tls: { key: certs.key, cert: certs.cert },
    media: createMediaLibrary(config.mediaDir),
  })
}

/** The value of the first `_csrf` hidden field of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match?.[1]) throw new Error('no CSRF token on the page')
  return match[1]
}

/** A browser-like client over inject(): keeps cookies, sends same-origin headers. */
export class Client {
  readonly cookies = new Map<string, string>()
  readonly app: BoardInstance
  /** Sent with every request (e.g. a user-agent), before the request's own headers. */
  readonly defaultHeaders: Record<string, string>
  constructor(app: BoardInstance, defaultHeaders: Record<string, string> = {}) {
    this.app = app
    this.defaultHeaders = defaultHeaders
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {
      host: HOST,
      ...this.defaultHeaders,
      ...(options.headers as Record<string, string>),
    }
    if (this.cookies.size && headers.cookie === undefined) headers.cookie = this.cookieHeader()
    const response = await this.app.inject({ ...options, headers })
    for (const cookie of response.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const expired = (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0
      if (expired || cookie.value === '') this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    return response
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers })
  }

  /** A same-origin form post, as a browser sends it. */
  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      payload: new URLSearchParams(form).toString(),
    })
  }

  /** A CSRF token from `page`, following redirects (a signed-in user asking for /login lands on /). */
  async csrfToken(page: string): Promise<string> {
    let response = await this.get(page)
    for (let hops = 0; response.statusCode === 303 && hops < 3; hops++) {
      response = await this.get(String(response.headers.location))
    }
    return csrfOf(response.body)
  }

  /** Loads `page` for its CSRF token, then posts `form` to `url` with it. */
  async submit(page: string, url: string, form: Record<string, string>) {
    return this.post(url, { _csrf: await this.csrfToken(page), ...form })
  }

  async register(username: string, password: string) {
    const response = await this.submit('/register', '/register', { username, password })
    if (response.statusCode !== 303) throw new Error(`register failed: ${response.statusCode} ${response.body}`)
    return response
  }

  async login(username: string, password: string) {
    return this.submit('/login', '/login', { username, password })
  }

  async createPost(body: string) {
    return this.submit('/', '/posts', { body })
  }
}
