/**
 * The name of the session cookie the board sets and the gateway reads (a browser's chat signs in
 * with it). `__Host-` prefix: only over HTTPS, for the exact host (no Domain), Path=/.
 */
export const SESSION_COOKIE = '__Host-parley'
