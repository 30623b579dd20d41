/**
 * A throwaway self-signed certificate for one short-lived TLS listener (the chat CLI's private,
 * peer-to-peer links). Nobody trusts it through a CA: the peer learns its SHA-256 fingerprint over
 * an authenticated channel and compares that instead.
 * @module
 */
// @peculiar/x509 (through tsyringe) needs the Reflect metadata API loaded before it.
import 'reflect-metadata'
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(globalThis.crypto)

const ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }
/** Tolerates peers whose clocks run a little behind. */
const BACKDATE_MS = 3_600_000

export interface EphemeralCertificate {
  certPem: string
  keyPem: string
  /** SHA-256 of the DER certificate, colon-separated upper-case hex, as node's `cert.fingerprint256`. */
  fingerprint256: string
}

export interface EphemeralOptions {
  /** Common name in the subject; default `Parley private link`. */
  commonName?: string
  /** How long it is valid; default one day. */
  validityMs?: number
  now?: Date
}

/** A new ECDSA P-256 key and a self-signed certificate for it; the key never leaves memory unless the caller writes it. */
export async function createEphemeralCertificate(options: EphemeralOptions = {}): Promise<EphemeralCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const serial = randomBytes(16)
  serial[0] = (serial[0]! & 0x7f) | 0x01
  const notBefore = new Date((options.now ?? new Date()).getTime() - BACKDATE_MS)
  const cn = (options.commonName ?? 'Parley private link').replace(/[,+="\\<>;#]/g, '_')
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${cn}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + BACKDATE_MS + (options.validityMs ?? 86_400_000)),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  })
  const certPem = cert.toString('pem')
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return {
    certPem,
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    fingerprint256: new X509Certificate(certPem).fingerprint256,
  }
}
