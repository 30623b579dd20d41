import { once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { bearerTokenMatches } from './bearer.js'
import { isLoopbackHost } from './loopback.js'

/** Shortest token accepted: a scrape token must not be guessable. */
export const MIN_METRICS_TOKEN_LENGTH = 16

/** What the server logs (a pino logger fits). Never given the token or request headers. */
export interface MetricsLogger {
  warn(data: Record<string, unknown>, message: string): void
  error(data: Record<string, unknown>, message: string): void
}

export interface MetricsServerOptions {
  /** Interface to bind; default `127.0.0.1`. Anything but loopback requires `token`. */
  host?: string
  /** 0 picks a free port (tests). */
  port: number
  /** When set, every request needs `Authorization: Bearer <token>` (else 401). */
  token?: string | null
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer } | null
  /** Default `/metrics`. */
  path?: string
  log?: MetricsLogger
}

export interface MetricsServer {
  readonly port: number
  /** e.g. `http://127.0.0.1:9181/metrics`. */
  readonly url: string
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>
}

function checkOptions(options: MetricsServerOptions, host: string): void {
  const { token } = options
  if (token !== undefined && token !== null) {
    if (token.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(token)) {
      throw new TypeError(`the metrics token must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces`)
    }
  } else if (!isLoopbackHost(host)) {
    throw new TypeError(`metrics on ${host} (not loopback) need a bearer token`)
  }
}

function answer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers })
  response.end(text)
}

/**
 * Serves `registry` in the Prometheus text format on its own port, apart from the app's public one,
 * so a public reverse proxy never exposes it. The token is checked before anything else: without
 * it every path answers 401 alike.
 */
export async function serveMetrics(registry: Registry, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1'
  const path = options.path ?? '/metrics'
  checkOptions(options, host)
  const token = options.token ?? null
  const { log } = options

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (token !== null && !bearerTokenMatches(request.headers.authorization, token)) {
      log?.warn({ remoteAddress: request.socket.remoteAddress ?? null }, 'metrics request without the right token')
      answer(response, 401, 'Unauthorized\n', { 'www-authenticate': 'Bearer realm="metrics"' })
      return
    }
    const url = new URL(request.url ?? '/', 'http://metrics.invalid')
    if (url.pathname !== path) {
      answer(response, 404, 'Not found\n')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Method not allowed\n', { allow: 'GET, HEAD' })
      return
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
        response.end(request.method === 'HEAD' ? undefined : text)
      },
      (error: unknown) => {
        log?.error({ err: error }, 'collecting metrics failed')
        answer(response, 500, 'Collecting metrics failed\n')
      },
    )
  }

  const server: Server = options.tls ? createHttpsServer({ ...options.tls }, handle) : createHttpServer(handle)
  // A scrape is one small request: slow or idle clients are not kept around.
  server.headersTimeout = 10_000
  server.requestTimeout = 10_000
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => log?.error({ err: error }, 'metrics server error'))
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}${path}`,
    async close() {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
  }
}
