import { isIP } from 'node:net'

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost' || bare === '::1') return true
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice('::ffff:'.length))
  return isIP(bare) === 4 && bare.startsWith('127.')
}
