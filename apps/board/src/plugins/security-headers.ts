/**
 * Security headers on every response (helmet): a strict Content-Security-Policy with no inline
 * script or style (pages load /static/board.css and /static/board.js only), no framing, nosniff,
 * a same-origin Referrer-Policy and HSTS.
 * @module
 */
import helmet from '@fastify/helmet'
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

export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, { connectOrigins }) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(connectOrigins) },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'same-origin' },
      frameguard: { action: 'deny' },
      // The board embeds nothing cross-origin; keeping COEP off leaves <video>/<audio> of our own files unaffected.
      crossOriginEmbedderPolicy: false,
    })
  },
  { name: 'parley-security-headers' },
)
