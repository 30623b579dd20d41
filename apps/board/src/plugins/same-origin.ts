/**
 * Refuses state-changing requests that a browser says came from another site: Fetch Metadata
 * (`Sec-Fetch-Site` other than same-origin or none) or an `Origin` that is not this server's.
 * This is the first line of CSRF defence; the token check (csrf.ts) is the second, for browsers
 * that send neither header.
 * @module
 */
import fp from 'fastify-plugin'
import { csrfRejected } from './csrf.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none'])

export const sameOriginPlugin = fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      if (SAFE_METHODS.has(request.method)) return
      const fetchSite = request.headers['sec-fetch-site']
      if (typeof fetchSite === 'string' && !ALLOWED_FETCH_SITES.has(fetchSite)) {
        request.log.warn({ fetchSite }, 'cross-site request refused')
        throw csrfRejected()
      }
      const origin = request.headers.origin
      // `request.host` is the Host header (HTTP/1.1) or :authority (HTTP/2): the origin the browser addressed.
      if (origin !== undefined && origin !== `https://${request.host}`) {
        request.log.warn({ origin }, 'foreign Origin refused')
        throw csrfRejected()
      }
    })
  },
  { name: 'parley-same-origin' },
)
