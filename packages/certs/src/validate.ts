import 'reflect-metadata'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { type CertNames, certNames, encodeNameConstraints, NAME_CONSTRAINTS_OID } from './names.js'

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

/** Said of a CA made by an earlier Parley, which could sign for any domain. */
export const UNCONSTRAINED_CA = 'it could sign for any domain (made by an earlier version of Parley)'

/** Why the CA's name constraints are not exactly `names`, or null. */
export function nameConstraintsProblem(certPem: Buffer, names: CertNames): Problem {
  const extension = new x509.X509Certificate(certPem).getExtension(NAME_CONSTRAINTS_OID)
  if (!extension?.critical) return UNCONSTRAINED_CA
  const wanted = encodeNameConstraints(names)
  return Buffer.from(extension.value).equals(wanted) ? null : 'it is limited to other names than the ones asked for'
}

export function caProblem(
  certPem: Buffer,
  keyPem: Buffer,
  now: Date,
  renewBeforeMs: number,
  names: CertNames = certNames(),
): Problem {
  const parsed = parse(certPem, keyPem)
  if (!('cert' in parsed)) return parsed.problem
  if (!parsed.cert.ca) return 'it is not a certificate authority'
  return nameConstraintsProblem(certPem, names) ?? expiryProblem(parsed.cert, now, renewBeforeMs)
}

export function leafProblem(
  certPem: Buffer,
  keyPem: Buffer,
  caPem: Buffer,
  now: Date,
  renewBeforeMs: number,
  names: CertNames = certNames(),
): Problem {
  const parsed = parse(certPem, keyPem)
  if (!('cert' in parsed)) return parsed.problem
  const { cert } = parsed
  const ca = new X509Certificate(caPem)
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'it was not signed by the current CA'
  for (const name of names.dns) if (!cert.checkHost(name)) return `it does not cover ${name}`
  for (const ip of names.ips) if (!cert.checkIP(ip)) return `it does not cover ${ip}`
  return expiryProblem(cert, now, renewBeforeMs)
}
