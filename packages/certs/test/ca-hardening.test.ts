/**
 * The local CA is trusted system-wide, so it is made harmless beyond this machine's names (issue 14,
 * item 14): critical name constraints, a shorter life, its key out of the servers (`loadCerts`), and a
 * CA from an earlier version replaced.
 */
import 'reflect-metadata'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import * as x509 from '@peculiar/x509'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateLeaf } from '../src/generate.js'
import { certNames, ensureCerts, loadCerts, UNCONSTRAINED_CA } from '../src/index.js'
import { writeOldCa } from './old-ca.js'

let dir: string
let server: Server | null = null
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-ca-'))
})
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)))
  server = null
  await rm(dir, { recursive: true, force: true })
})

async function serve(key: string | Buffer, cert: string | Buffer): Promise<number> {
  server = createServer({ key, cert }, (_req, res) => res.end('ok'))
  server.listen({ port: 0, host: '127.0.0.1' })
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

/** A TLS handshake to 127.0.0.1 trusting only `ca`, asking for `servername`: the error, or null. */
function handshake(port: number, ca: Buffer, servername?: string): Promise<Error | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername })
    socket.once('secureConnect', () => {
      socket.end()
      resolve(null)
    })
    socket.once('error', (error) => resolve(error))
  })
}

describe('the local CA', () => {
  it('cannot certify a name outside its constraints, even with its own key', async () => {
    const files = await ensureCerts(dir)
    const caKeyPem = await readFile(join(dir, 'ca-key.pem'), 'utf8')
    // What a stolen CA key would sign: a certificate for another site.
    const forged = await generateLeaf(
      { certPem: files.ca.toString(), keyPem: caKeyPem },
      { now: new Date(), validityDays: 30, names: { dns: ['bank.example'], ips: ['127.0.0.1'] } },
    )
    const port = await serve(forged.keyPem, forged.certPem)
    const refused = await handshake(port, files.ca, 'bank.example')
    expect(refused).not.toBeNull()
    expect(refused?.message).toBe('permitted subtree violation')
  })

  it('has critical constraints, a 2-year life, and a 90-day leaf', async () => {
    const files = await ensureCerts(dir)
    const ca = new x509.X509Certificate(files.ca)
    expect(ca.getExtension('2.5.29.30')?.critical).toBe(true)
    const days = (cert: x509.X509Certificate) => (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000
    expect(days(ca)).toBe(730)
    expect(days(new x509.X509Certificate(files.cert))).toBe(90)
  })

  it('covers names the user adds, and makes a new CA when they change', async () => {
    const first = await ensureCerts(dir, { names: ['parley.lan', '192.168.1.5'] })
    const port = await serve(first.key, first.cert)
    expect(await handshake(port, first.ca, 'parley.lan')).toBeNull()
    expect(await handshake(port, first.ca, 'localhost')).toBeNull()
    const again = await ensureCerts(dir, { names: ['parley.lan', '192.168.1.5'] })
    expect(again.created).toEqual({ ca: null, leaf: null })
    const other = await ensureCerts(dir, { names: ['other.lan'] })
    expect(other.created.ca).toMatch(/other names/)
    expect(() => certNames(['not a name!'])).toThrow(/not a host name/)
  })

  it('replaces a CA from an earlier version, which had no constraints', async () => {
    const oldPem = await writeOldCa(dir)
    const files = await ensureCerts(dir)
    expect(files.created.ca).toBe(UNCONSTRAINED_CA)
    expect(files.ca.toString()).not.toBe(oldPem)
  })
})

describe('loadCerts (the servers)', () => {
  it('never reads the CA key: a valid leaf is used as it is, even with the key file unreadable as a key', async () => {
    const made = await ensureCerts(dir)
    await writeFile(join(dir, 'ca-key.pem'), 'not a key')
    const loaded = await loadCerts(dir, {
      create: async () => {
        throw new Error('must not be called for a valid leaf')
      },
    })
    expect(loaded.cert.equals(made.cert)).toBe(true)
    expect(loaded.ca.equals(made.ca)).toBe(true)
    expect(loaded.created).toEqual({ ca: null, leaf: null })
    expect(await readFile(join(dir, 'ca-key.pem'), 'utf8')).toBe('not a key')
  })

  it('has a missing leaf made by the certs command in a child process, under the same CA', async () => {
    const made = await ensureCerts(dir)
    await unlink(join(dir, 'localhost.pem'))
    const loaded = await loadCerts(dir)
    expect(loaded.created.leaf).toBe('missing')
    expect(loaded.ca.equals(made.ca)).toBe(true)
    const port = await serve(loaded.key, loaded.cert)
    expect(await handshake(port, loaded.ca, 'localhost')).toBeNull()
  }, 30_000)

  it('fails naming the fix when the certificates cannot be made', async () => {
    await expect(loadCerts(dir, { create: async () => {} })).rejects.toThrow(/run "pnpm certs"/)
  })
})
