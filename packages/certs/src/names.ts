/**
 * The names a local CA may certify, and the DER of its name constraints (RFC 5280 4.2.1.10):
 * @peculiar/x509 has no class for that extension, so it is encoded here, deterministically, which
 * also lets `validate.ts` compare a CA's constraints with the wanted ones byte for byte.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net'

/** Always covered: the loopback names. */
export const DEFAULT_DNS_NAMES = ['localhost'] as const
export const DEFAULT_IP_ADDRESSES = ['127.0.0.1', '::1'] as const

export const NAME_CONSTRAINTS_OID = '2.5.29.30'

export interface CertNames {
  dns: string[]
  ips: string[]
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/** The loopback names plus the user's (host names and IP addresses), checked, lower-cased, deduplicated, sorted. */
export function certNames(extra: readonly string[] = []): CertNames {
  const dns = new Set<string>(DEFAULT_DNS_NAMES)
  const ips = new Set<string>(DEFAULT_IP_ADDRESSES)
  for (const raw of extra) {
    const name = raw.trim().toLowerCase()
    if (name === '') continue
    if (isIPv4(name) || isIPv6(name)) ips.add(name)
    else if (DNS_NAME.test(name)) dns.add(name)
    else throw new TypeError(`not a host name or IP address: ${JSON.stringify(raw)}`)
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() }
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  let left = groups(head)
  let right = tail === undefined ? [] : groups(tail)
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const expand = (list: string[]) =>
    list.flatMap((group) => {
      if (!group.includes('.')) return [group]
      const b = ipv4Bytes(group)
      return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)]
    })
  left = expand(left)
  right = expand(right)
  const missing = 8 - left.length - right.length
  const all = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right]
  return all.flatMap((group) => {
    const value = Number.parseInt(group, 16)
    return [value >> 8, value & 0xff]
  })
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number)
}

/** The address followed by an all-ones mask: exactly that host (/32 or /128). */
export function ipWithHostMask(address: string): Buffer {
  const bytes = isIPv4(address) ? ipv4Bytes(address) : ipv6Bytes(address)
  return Buffer.from([...bytes, ...bytes.map(() => 0xff)])
}

function der(tag: number, content: Buffer): Buffer {
  const length = content.length
  const header =
    length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff]
  return Buffer.concat([Buffer.from(header), content])
}

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees }, one GeneralSubtree per
 * name: dNSName [2] (a name also permits its subdomains) or iPAddress [7] (address and mask).
 */
export function encodeNameConstraints(names: CertNames): Buffer {
  const subtrees = [
    ...names.dns.map((name) => der(0x30, der(0x82, Buffer.from(name, 'ascii')))),
    ...names.ips.map((ip) => der(0x30, der(0x87, ipWithHostMask(ip)))),
  ]
  return der(0x30, der(0xa0, Buffer.concat(subtrees)))
}
