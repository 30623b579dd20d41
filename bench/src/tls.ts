/**
 * One set of temp certificates per bench run (`ensureCerts` of @parley/certs): every server, Parley
 * or baseline, serves the same localhost leaf, and every client trusts only the run's CA.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureCerts } from '@parley/certs'

export interface TlsFiles {
  keyPath: string
  certPath: string
  caPath: string
}

export interface TlsPem {
  key: Buffer
  cert: Buffer
  ca: Buffer
}

export async function createRunCerts(dir: string): Promise<TlsFiles> {
  const certs = await ensureCerts(join(dir, 'certs'))
  return { keyPath: certs.keyPath, certPath: certs.certPath, caPath: certs.caPath }
}

export async function readTls(files: TlsFiles): Promise<TlsPem> {
  const [key, cert, ca] = await Promise.all([readFile(files.keyPath), readFile(files.certPath), readFile(files.caPath)])
  return { key, cert, ca }
}
