/**
 * The two ends of the TLS transport: the acceptor listens with a throwaway self-signed
 * certificate; the initiator dials and trusts the certificate only by its SHA-256 fingerprint,
 * which came from the gateway (no CA involved).
 * @module
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { connect, createServer, type PeerCertificate, type TLSSocket } from 'node:tls'
import { createEphemeralCertificate } from '@parley/certs'
import type { PrivateEndpoint } from '@parley/protocol'
import { sameFingerprint } from './fingerprint.js'

export interface PeerListener {
  endpoint: PrivateEndpoint
  /** Stops accepting connections (links already made stay up). */
  close(): void
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * The addresses to give the other side for a listener bound to `bindHost`: that address itself,
 * or for a wildcard bind this machine's addresses (loopback last: a peer on another machine tries
 * the real addresses first, and one on this machine reaches either).
 */
export function advertisedHosts(bindHost: string): string[] {
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return [bindHost]
  const external: string[] = []
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.internal) continue
      if (address.family === 'IPv4' || bindHost === '::') external.push(address.address)
    }
  }
  external.sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')))
  return [...external.slice(0, 7), '127.0.0.1']
}

/** The bind address to use when the user did not choose: loopback when the gateway is on this machine. */
export function defaultBindHost(gatewayHost: string): string {
  return LOOPBACK.has(gatewayHost.replace(/^\[|\]$/g, '')) ? '127.0.0.1' : '0.0.0.0'
}

export async function listenForPeer(
  bindHost: string,
  onSocket: (socket: TLSSocket) => void,
  commonName?: string,
): Promise<PeerListener> {
  const cert = await createEphemeralCertificate(commonName ? { commonName } : {})
  const server = createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: 'TLSv1.3' }, onSocket)
  // Handshake failures of strangers (port scanners, wrong protocol) are not our errors.
  server.on('tlsClientError', () => undefined)
  server.listen(0, bindHost)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    endpoint: { port, hosts: advertisedHosts(bindHost), fingerprint: cert.fingerprint256 },
    close: () => {
      server.close()
    },
  }
}

export interface DialOptions {
  hosts: readonly string[]
  port: number
  fingerprint: string
  /** Per address; default 5 s. */
  timeoutMs?: number
}

function dialOne(host: string, options: DialOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const fingerprintMismatch = (cert: PeerCertificate) =>
      sameFingerprint(cert.fingerprint256, options.fingerprint)
        ? undefined
        : new Error('the certificate does not match the fingerprint from the server')
    const socket = connect({
      host,
      port: options.port,
      minVersion: 'TLSv1.3',
      // The certificate is self-signed: trust comes from its fingerprint, checked below.
      rejectUnauthorized: false,
      checkServerIdentity: (_name, cert) => fingerprintMismatch(cert),
    })
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer from ${host} within the time limit`)),
      options.timeoutMs ?? 5000,
    )
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const problem = fingerprintMismatch(socket.getPeerCertificate())
      if (problem) {
        socket.destroy()
        return reject(problem)
      }
      // The caller attaches its own handlers; until then an error must not go unhandled.
      socket.removeAllListeners('error')
      socket.on('error', () => undefined)
      resolve(socket)
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** Connects to the first address that answers with the right certificate. */
export async function dialPeer(options: DialOptions): Promise<TLSSocket> {
  const problems: string[] = []
  for (const host of options.hosts) {
    try {
      return await dialOne(host, options)
    } catch (error) {
      problems.push(`${host}: ${(error as Error).message}`)
    }
  }
  throw new Error(problems.join('; ') || 'no address to connect to')
}
