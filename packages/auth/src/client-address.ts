/**
 * The key under which a client address is counted by the attempt limiter and the gateway's
 * connection cap. IPv4 addresses count one by one; an IPv6 client is counted by its /64, because
 * one customer usually holds a whole /64 and could otherwise change address at every attempt.
 * @module
 */
import { isIP } from 'node:net'

/** Eight 16-bit groups of an IPv6 address (no zone), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  let text = address
  const tail: number[] = []
  // An embedded IPv4 suffix (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is two groups.
  const dotted = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)
  if (dotted) {
    const bytes = dotted[1]!.split('.').map(Number)
    tail.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!)
    const before = text.slice(0, dotted.index)
    text = before.endsWith(':') ? `${before}:` : before
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)))
  const head = parse(halves[0]!)
  const rest = halves.length === 2 ? parse(halves[1]!) : []
  const missing = 8 - tail.length - head.length - rest.length
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest, ...tail]
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : null
}

/**
 * `203.0.113.7` → `203.0.113.7`; `::ffff:203.0.113.7` → `203.0.113.7` (an IPv4 client on a dual-stack
 * socket); `2001:db8:1:2:aaaa::1` → `2001:db8:1:2::/64`; missing → `unknown`.
 */
export function clientAddressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown'
  const address = ip.replace(/%.*$/, '').replace(/^\[|\]$/g, '')
  const version = isIP(address)
  if (version === 4) return address
  if (version !== 6) return address.slice(0, 64)
  const groups = ipv6Groups(address.toLowerCase())
  if (!groups) return address.slice(0, 64)
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}
