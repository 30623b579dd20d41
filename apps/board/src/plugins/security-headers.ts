/**
 * Security headers on every response (helmet's set): a strict Content-Security-Policy with no inline
 * script or style (pages load their stylesheets and scripts from /static/ only), no framing, nosniff,
 * a same-origin Referrer-Policy and HSTS.
 *
 * These headers never depend on the request, yet `@fastify/helmet` rebuilds helmet's middleware — CSP
 * string included — on every request. So helmet runs once, at start-up, against a throwaway Fastify
 * instance with the same options, and the headers it wrote are set from then on as one frozen list:
 * the bytes stay exactly helmet's, for the cost of a few `setHeader` calls per request.
 * @module
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'
import fp from 'fastify-plugin'

export interface SecurityHeadersOptions {
  /** WebSocket origins the pages may connect to (the chat gateway). */
  connectOrigins: readonly string[]
}

export function contentSecurityPolicy(connectOrigins: readonly string[]) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    mediaSrc: ["'self'"],
    connectSrc: ["'self'", ...connectOrigins],
    fontSrc: ["'self'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  }
}

export function helmetOptions(connectOrigins: readonly string[]): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(connectOrigins) },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    // The board embeds nothing cross-origin; keeping COEP off leaves <video>/<audio> of our own files unaffected.
    crossOriginEmbedderPolicy: false,
  }
}

/** Headers of any response, not added by helmet. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

/** The headers helmet sets with these options, as name → value, found by letting helmet answer one request. */
export async function securityHeaders(connectOrigins: readonly string[]): Promise<Readonly<Record<string, string>>> {
  const probe = Fastify()
  try {
    await probe.register(helmet, helmetOptions(connectOrigins))
    probe.get('/', async () => '')
    const response = await probe.inject({ method: 'GET', url: '/' })
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (!NOT_HELMET.has(name) && value !== undefined) headers[name] = String(value)
    }
    return Object.freeze(headers)
  } finally {
    await probe.close()
  }
}

export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, { connectOrigins }) => {
    const entries = Object.entries(await securityHeaders(connectOrigins))
    // On the raw response, as helmet does, so hijacked replies (SSE) and error pages carry them too.
    app.addHook('onRequest', (_request, reply, done) => {
      const raw = reply.raw
      for (const [name, value] of entries) raw.setHeader(name, value)
      done()
    })
  },
  { name: 'parley-security-headers' },
)
