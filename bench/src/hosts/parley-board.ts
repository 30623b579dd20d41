/**
 * The Parley board as a bench server: `createServer` over a temp-dir SQLite database, the run's
 * certificates and media folder, real auth, a signed-in bench user and a page of seeded posts.
 * Logs go to /dev/null at `info`, as in production. Returns what a client needs to act as that
 * user: the session cookie and a CSRF token taken from a rendered form.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAuth } from '@parley/auth'
import { openSqliteStorage, type Storage } from '@parley/storage'
import { loadConfig } from 'board/src/config.js'
import { createLocalPostEvents, type PostEvents } from 'board/src/events/post-events.js'
import type { BoardInstance } from 'board/src/http/types.js'
import { createLogger } from 'board/src/logging.js'
import { createMediaLibrary } from 'board/src/media/index.js'
import { createServer } from 'board/src/server.js'
import { pino } from 'pino'
import type { ProcessMetrics } from '../metrics.js'
import { readTls, type TlsFiles } from '../tls.js'
import { BENCH_PASSWORD } from './seed.js'

export interface BoardStartArgs {
  tls: TlsFiles
  mediaDir: string
  /** Posts on the board before timing (the page shows the newest). */
  posts: number
}

export interface BoardStarted {
  port: number
  /** `host` header value the board accepts as its own origin. */
  host: string
  cookie: string
  csrf: string
}

export function handlers(_metrics: ProcessMetrics) {
  let dir: string | undefined
  let storage: Storage | undefined
  let events: PostEvents | undefined
  let app: BoardInstance | undefined

  async function stop(): Promise<void> {
    await app?.close()
    await events?.close()
    await storage?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
    app = undefined
    dir = undefined
  }

  return {
    async start(args: BoardStartArgs): Promise<BoardStarted> {
      dir = await mkdtemp(join(tmpdir(), 'parley-bench-board-'))
      const config = loadConfig(
        {
          LOG_LEVEL: 'info',
          MEDIA_DIR: args.mediaDir,
          BOARD_HOST: '127.0.0.1',
          BOARD_PORT: '0',
          // Every bench client signs in from 127.0.0.1: the abuse limits would measure the limiter.
          AUTH_RATE_LIMIT: '1000000',
          AUTH_CREATE_RATE_LIMIT: '1000000',
        },
        { repoRoot: dir, cwd: dir },
      )
      storage = await openSqliteStorage(config.databasePath, { writeWorker: true })
      const logger = createLogger(config.logLevel, pino.destination({ dest: '/dev/null', sync: false }))
      const auth = createAuth({ storage, log: logger.child({ module: 'auth' }) })
      events = createLocalPostEvents()
      const tls = await readTls(args.tls)
      app = await createServer(config, {
        logger,
        storage,
        auth,
        tls: { key: tls.key, cert: tls.cert },
        media: createMediaLibrary(config.mediaDir),
        events,
        now: Date.now,
      })
      const { user, session } = await auth.register('benchuser', BENCH_PASSWORD)
      for (let i = 0; i < args.posts; i++) {
        await storage.posts.createPost(user.id, `Seeded post ${i}: a few words <b>to escape</b> & render.`, Date.now())
      }
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const host = `localhost:${port}`
      const sessionCookie = `__Host-parley=${session.token}`
      // A rendered board page gives the CSRF cookie and a token for its forms, as a browser gets them.
      const page = await app.inject({ method: 'GET', url: '/', headers: { host, cookie: sessionCookie } })
      const csrfCookie = page.cookies.find((c) => c.name === '__Host-parley-csrf')
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1]
      if (page.statusCode !== 200 || !csrfCookie || !token) {
        throw new Error(`board page for the bench user: HTTP ${page.statusCode}, no CSRF token`)
      }
      return { port, host, cookie: `${sessionCookie}; __Host-parley-csrf=${csrfCookie.value}`, csrf: token }
    },
    /** The HTML of the board page as the bench user sees it (the bare baseline serves this). */
    async page(args: { host: string; cookie: string }): Promise<string> {
      const page = await app!.inject({ method: 'GET', url: '/', headers: { host: args.host, cookie: args.cookie } })
      return page.body
    },
    stop,
  }
}
