import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CertFiles, ensureCerts } from '../src/index.js'

let dir: string
let server: Server | null = null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-certs-'))
})
afterEach(async () => {
  if (server) {
    server.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    server = null
  }
  await rm(dir, { recursive: true, force: true })
})

/** An HTTPS server on a dual-stack port serving the leaf, answering "ok". */
async function startServer(files: CertFiles): Promise<number> {
  server = createServer({ key: files.key, cert: files.cert }, (_req, res) => res.end('ok'))
  server.listen({ port: 0, host: '::', ipv6Only: false })
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

/** Completes a TLS handshake trusting only `ca`; resolves with the verification error, if any. */
function handshake(host: string, port: number, ca: Buffer | undefined): Promise<Error | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ca, servername: host.includes(':') || /^\d/.test(host) ? undefined : host })
    socket.once('secureConnect', () => {
      socket.end()
      resolve(null)
    })
    socket.once('error', (error) => resolve(error))
  })
}

describe('ensureCerts', () => {
  it('creates a CA and a localhost leaf that a client trusting only ca.pem accepts on every loopback name', async () => {
    const files = await ensureCerts(dir)
    expect(files.created).toEqual({ ca: 'missing', leaf: 'missing' })
    expect(files.ca.equals(await readFile(join(dir, 'ca.pem')))).toBe(true)
    const port = await startServer(files)
    for (const host of ['localhost', '127.0.0.1', '::1']) {
      expect(await handshake(host, port, files.ca), host).toBeNull()
    }
    // Without the CA the same handshake must fail: the test can tell trust from no trust.
    expect(await handshake('localhost', port, undefined)).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  })

  it('writes both private keys with mode 0600 and the certificates world-readable', async () => {
    await ensureCerts(dir)
    expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'localhost-key.pem'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'ca.pem'))).mode & 0o777).toBe(0o644)
    expect((await stat(join(dir, 'localhost.pem'))).mode & 0o777).toBe(0o644)
  })

  it('makes a CA limited to signing and a leaf for TLS servers only', async () => {
    const files = await ensureCerts(dir)
    const ca = new X509Certificate(files.ca)
    const leaf = new X509Certificate(files.cert)
    expect(ca.ca).toBe(true)
    expect(leaf.ca).toBe(false)
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true)
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000
    expect(days).toBeLessThanOrEqual(825)
  })

  it('reuses the CA and a valid leaf on the next call', async () => {
    const first = await ensureCerts(dir)
    const second = await ensureCerts(dir)
    expect(second.created).toEqual({ ca: null, leaf: null })
    expect(second.ca.equals(first.ca)).toBe(true)
    expect(second.cert.equals(first.cert)).toBe(true)
    expect(second.key.equals(first.key)).toBe(true)
  })

  it('re-creates an expired leaf while keeping the CA', async () => {
    const aYearAgo = new Date(Date.now() - 365 * 86_400_000) // the leaf lasts 90 days, the CA 2 years
    const old = await ensureCerts(dir, { now: () => aYearAgo })
    const renewed = await ensureCerts(dir)
    expect(renewed.created.ca).toBeNull()
    expect(renewed.created.leaf).toMatch(/expired/)
    expect(renewed.ca.equals(old.ca)).toBe(true)
    expect(renewed.cert.equals(old.cert)).toBe(false)
    const port = await startServer(renewed)
    expect(await handshake('localhost', port, renewed.ca)).toBeNull()
  })

  it('re-creates a missing leaf while keeping the CA', async () => {
    const first = await ensureCerts(dir)
    await unlink(join(dir, 'localhost-key.pem'))
    const second = await ensureCerts(dir)
    expect(second.created).toEqual({ ca: null, leaf: 'missing' })
    expect(second.ca.equals(first.ca)).toBe(true)
    expect(second.cert.equals(first.cert)).toBe(false)
  })

  it('re-creates the CA and the leaf when the CA key is lost', async () => {
    const first = await ensureCerts(dir)
    await unlink(join(dir, 'ca-key.pem'))
    const second = await ensureCerts(dir)
    expect(second.created.ca).toBe('missing')
    expect(second.created.leaf).toMatch(/not signed by the current CA/)
    expect(second.ca.equals(first.ca)).toBe(false)
  })

  it('gives concurrent callers (board and gateway starting together) the same files', async () => {
    const results = await Promise.all([ensureCerts(dir), ensureCerts(dir), ensureCerts(dir)])
    const created = results.filter((files) => files.created.ca !== null)
    expect(created).toHaveLength(1)
    for (const files of results) {
      expect(files.ca.equals(results[0]!.ca)).toBe(true)
      expect(files.cert.equals(results[0]!.cert)).toBe(true)
    }
  })
})
