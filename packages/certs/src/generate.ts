// @peculiar/x509 (through tsyringe) needs the Reflect metadata API loaded before it.
import 'reflect-metadata'
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import * as x509 from '@peculiar/x509'
import {
  type CertNames,
  certNames,
  DEFAULT_DNS_NAMES,
  DEFAULT_IP_ADDRESSES,
  encodeNameConstraints,
  NAME_CONSTRAINTS_OID,
} from './names.js'

// @peculiar/x509 signs through WebCrypto; Node's implementation is the global one.
x509.cryptoProvider.set(globalThis.crypto)

const ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }
const DAY_MS = 86_400_000
/** Tolerates clocks that run a little behind the machine that made the certificate. */
const BACKDATE_MS = 3_600_000

/** The names the leaf certificate covers at least. */
export const LEAF_DNS_NAMES = DEFAULT_DNS_NAMES
export const LEAF_IP_ADDRESSES = DEFAULT_IP_ADDRESSES

export interface PemPair {
  certPem: string
  keyPem: string
}

export interface GenerateOptions {
  now: Date
  validityDays: number
  /** What the CA may sign and the leaf covers; default the loopback names only. */
  names?: CertNames
}

/** A positive 128-bit serial number (RFC 5280 allows at most 20 octets and requires it to be positive). */
function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return bytes.toString('hex')
}

function validity({ now, validityDays }: GenerateOptions): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - BACKDATE_MS)
  return { notBefore, notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS) }
}

async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
}

/**
 * A self-signed certificate authority, named after this user and machine so several installs stay
 * apart. Its critical name constraints let it certify only `names` (localhost, 127.0.0.1/32, ::1/128
 * and the user's own): trusting it system-wide cannot let its key, if stolen, sign for any other site.
 */
export async function generateCa(options: GenerateOptions): Promise<PemPair> {
  const keys = await generateKeys()
  const owner = `${safeUserName()}@${hostname()}`.replace(/[,+="\\<>;#]/g, '_')
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Parley local development CA (${owner}), O=Parley development`,
    ...validity(options),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      // pathLength 0: this CA signs leaf certificates only, never other CAs.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, encodeNameConstraints(options.names ?? certNames())),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) }
}

/** A TLS server certificate for localhost, 127.0.0.1, ::1 and the user's names, signed by the CA. */
export async function generateLeaf(ca: PemPair, options: GenerateOptions): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.certPem)
  const caKeyDer = createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' })
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, ALGORITHM, false, ['sign'])
  const keys = await generateKeys()
  const names = options.names ?? certNames()
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Parley development',
    issuer: caCert.subject,
    ...validity(options),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) }
}

function safeUserName(): string {
  try {
    return userInfo().username
  } catch {
    // No passwd entry (some containers): the host name still tells installs apart.
    return 'user'
  }
}
