import { createPrivateKey, X509Certificate } from 'node:crypto'
import { LEAF_DNS_NAMES, LEAF_IP_ADDRESSES } from './generate.js'

/** Why an existing certificate cannot be kept, or null when it is fine. */
export type Problem = string | null

function parse(certPem: Buffer, keyPem: Buffer): { cert: X509Certificate; problem: Problem } | { problem: string } {
  try {
    const cert = new X509Certificate(certPem)
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return { problem: 'its key file does not match' }
    return { cert, problem: null }
  } catch (error) {
    return { problem: `it cannot be read (${(error as Error).message})` }
  }
}

function expiryProblem(cert: X509Certificate, now: Date, renewBeforeMs: number): Problem {
  if (new Date(cert.validFrom).getTime() > now.getTime()) return 'it is not valid yet'
  const validTo = new Date(cert.validTo).getTime()
  if (validTo <= now.getTime()) return `it expired on ${cert.validTo}`
  if (validTo - now.getTime() < renewBeforeMs) return `it expires soon (${cert.validTo})`
  return null
}

export function caProblem(certPem: Buffer, keyPem: Buffer, now: Date, renewBeforeMs: number): Problem {
  const parsed = parse(certPem, keyPem)
  if (!('cert' in parsed)) return parsed.problem
  if (!parsed.cert.ca) return 'it is not a certificate authority'
  return expiryProblem(parsed.cert, now, renewBeforeMs)
}

export function leafProblem(certPem: Buffer, keyPem: Buffer, caPem: Buffer, now: Date, renewBeforeMs: number): Problem {
  const parsed = parse(certPem, keyPem)
  if (!('cert' in parsed)) return parsed.problem
  const { cert } = parsed
  const ca = new X509Certificate(caPem)
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'it was not signed by the current CA'
  for (const name of LEAF_DNS_NAMES) if (!cert.checkHost(name)) return `it does not cover ${name}`
  for (const ip of LEAF_IP_ADDRESSES) if (!cert.checkIP(ip)) return `it does not cover ${ip}`
  return expiryProblem(cert, now, renewBeforeMs)
}
