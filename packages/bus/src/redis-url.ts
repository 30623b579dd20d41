/**
 * Checks a Redis URL once, and gives a form of it that is safe to log and to put in errors.
 * @module
 */

export function checkRedisUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (cause) {
    throw new TypeError('the Redis URL is not a URL (expected redis://host:port or rediss://host:port)', { cause })
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`the Redis URL must start with redis:// or rediss://, got ${parsed.protocol}//`)
  }
  return parsed
}

/** The URL without its password: `redis://user:***@host:6379/0` (every Redis client of Parley logs this form). */
export function redactRedisUrl(url: URL | string): string {
  let copy: URL
  try {
    copy = new URL(url)
  } catch {
    return '(unparsable Redis URL)'
  }
  if (copy.password) copy.password = '***'
  if (!copy.port) copy.port = '6379'
  return copy.href.replace(/\/$/, '')
}
