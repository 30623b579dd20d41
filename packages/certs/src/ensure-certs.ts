import { join } from 'node:path'
import { ensurePrivateMode, readIfExists, withDirectoryLock, writeAtomically } from './files.js'
import { generateCa, generateLeaf } from './generate.js'
import { certNames } from './names.js'
import { caProblem, leafProblem } from './validate.js'

export const CA_FILE = 'ca.pem'
export const CA_KEY_FILE = 'ca-key.pem'
export const LEAF_FILE = 'localhost.pem'
export const LEAF_KEY_FILE = 'localhost-key.pem'

const DAY_MS = 86_400_000

export interface EnsureCertsOptions {
  /** The clock, for tests. */
  now?: () => Date
  /** Validity of a new CA; default 2 years (a local CA is easy to make again, and trusted system-wide). */
  caValidityDays?: number
  /** Validity of a new leaf; default 90 days (`pnpm certs` and the servers' start renew it 30 days before). */
  leafValidityDays?: number
  /**
   * Host names and IP addresses to cover besides localhost, 127.0.0.1 and ::1 (e.g. a LAN name). The
   * CA is limited to exactly these names, so asking for other ones makes a new CA.
   */
  names?: readonly string[]
  /** Renew a certificate that expires within this time; default 30 days. */
  renewBeforeDays?: number
}

export interface CertFiles {
  /** The leaf's private key (PEM), for the TLS server. */
  key: Buffer
  /** The leaf certificate (PEM), for the TLS server. */
  cert: Buffer
  /** The CA certificate (PEM), for clients to trust. */
  ca: Buffer
  caPath: string
  keyPath: string
  certPath: string
  /** What this call had to (re)create, and why: empty reasons when everything was reused. */
  created: { ca: string | null; leaf: string | null }
}

/**
 * Makes sure `dir` holds a local certificate authority and a leaf certificate for localhost,
 * 127.0.0.1 and ::1 (and `names`) signed by it, creating what is missing. An existing CA is kept
 * (browsers and the system already trust it) unless it expires soon or its name constraints are not
 * exactly the wanted names (a CA of an earlier version has none: `created.ca` is then
 * `UNCONSTRAINED_CA`); the leaf is re-created when missing, expiring, or not signed by the CA.
 * Reads the CA's private key: only `pnpm certs` (and tests) call this, never the servers (`loadCerts`).
 */
export async function ensureCerts(dir: string, options: EnsureCertsOptions = {}): Promise<CertFiles> {
  const now = options.now ?? (() => new Date())
  const renewBeforeMs = (options.renewBeforeDays ?? 30) * DAY_MS
  const names = certNames(options.names)
  const paths = {
    ca: join(dir, CA_FILE),
    caKey: join(dir, CA_KEY_FILE),
    leaf: join(dir, LEAF_FILE),
    leafKey: join(dir, LEAF_KEY_FILE),
  }
  return withDirectoryLock(dir, async () => {
    const created: CertFiles['created'] = { ca: null, leaf: null }

    let ca = await readIfExists(paths.ca)
    let caKey = await readIfExists(paths.caKey)
    const caReason = !ca || !caKey ? 'missing' : caProblem(ca, caKey, now(), renewBeforeMs, names)
    if (caReason) {
      const fresh = await generateCa({ now: now(), validityDays: options.caValidityDays ?? 730, names })
      // Key first: a crash in between leaves a CA certificate without its key, which is re-created next time.
      await writeAtomically(paths.caKey, fresh.keyPem, true)
      await writeAtomically(paths.ca, fresh.certPem, false)
      ca = Buffer.from(fresh.certPem)
      caKey = Buffer.from(fresh.keyPem)
      created.ca = caReason
    } else {
      await ensurePrivateMode(paths.caKey)
    }

    let cert = await readIfExists(paths.leaf)
    let key = await readIfExists(paths.leafKey)
    const leafReason = !cert || !key ? 'missing' : leafProblem(cert, key, ca!, now(), renewBeforeMs, names)
    if (leafReason) {
      const fresh = await generateLeaf(
        { certPem: ca!.toString(), keyPem: caKey!.toString() },
        { now: now(), validityDays: options.leafValidityDays ?? 90, names },
      )
      await writeAtomically(paths.leafKey, fresh.keyPem, true)
      await writeAtomically(paths.leaf, fresh.certPem, false)
      cert = Buffer.from(fresh.certPem)
      key = Buffer.from(fresh.keyPem)
      created.leaf = leafReason
    } else {
      await ensurePrivateMode(paths.leafKey)
    }

    return {
      key: key!,
      cert: cert!,
      ca: ca!,
      caPath: paths.ca,
      keyPath: paths.leafKey,
      certPath: paths.leaf,
      created,
    }
  })
}
