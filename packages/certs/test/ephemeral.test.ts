import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { connect, createServer } from 'node:tls'
import { expect, it } from 'vitest'
import { createEphemeralCertificate } from '../src/index.js'

it('makes a self-signed P-256 certificate whose fingerprint a client can pin', async () => {
  const made = await createEphemeralCertificate({ commonName: 'alice, private' })
  const cert = new X509Certificate(made.certPem)
  expect(cert.fingerprint256).toBe(made.fingerprint256)
  expect(cert.subject).toBe('CN=alice_ private')
  expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
  expect(cert.verify(cert.publicKey)).toBe(true)

  const server = createServer({ key: made.keyPem, cert: made.certPem }, (socket) => socket.end('hi'))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const { port } = server.address() as AddressInfo
    // No CA trusts it; the client accepts it only by comparing the fingerprint it was told.
    const seen = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '')
        socket.end()
      })
      socket.on('error', reject)
    })
    expect(seen).toBe(made.fingerprint256)
    const other = await createEphemeralCertificate()
    expect(other.fingerprint256).not.toBe(made.fingerprint256)
  } finally {
    server.close()
  }
})
