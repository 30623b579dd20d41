import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { connect, createServer, type TLSSocket } from 'node:tls'
import { createEphemeralCertificate } from '@parley/certs'
import { decodePeerMessage, ErrorCode, encode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

function firstLine(socket: TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffered += chunk
      const end = buffered.indexOf('\n')
      if (end >= 0) resolve(buffered.slice(0, end))
    })
    socket.on('error', reject)
  })
}

describe('private chat brokering', () => {
  it('relays the acceptor endpoint, fingerprint and one ticket, enough for a verified direct TLS link', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')

    // luke's client listens with a throwaway certificate before accepting.
    const cert = await createEphemeralCertificate()
    const accepted: string[] = []
    const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (socket) => {
      void firstLine(socket).then((line) => {
        accepted.push(line)
        socket.end()
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const port = (server.address() as AddressInfo).port

    expect(await hans.request({ type: 'startprivate', user: 'luke' })).toMatchObject({ type: 'ack', user: 'luke' })
    const request = await luke.waitForType('private_request')
    expect(request.from).toBe('hans')
    const answer = await luke.request({
      type: 'private_answer',
      requestId: request.requestId,
      accept: true,
      endpoint: { port, hosts: ['127.0.0.1'], fingerprint: cert.fingerprint256 },
    })
    expect(answer).toMatchObject({ type: 'ack', user: 'hans' })
    const acceptor = await luke.waitForType('private_ready')
    const initiator = await hans.waitForType('private_ready')
    expect(acceptor).toMatchObject({ role: 'acceptor', user: 'hans' })
    expect(initiator).toMatchObject({ role: 'initiator', user: 'luke', port, fingerprint: cert.fingerprint256 })
    expect(initiator.ticket).toBe(acceptor.ticket)
    expect(initiator.ticket.length).toBeGreaterThanOrEqual(16)
    expect(initiator.hosts).toContain('127.0.0.1')

    // hans connects directly, pins the fingerprint (not a CA), and presents the ticket.
    const socket = connect({ host: initiator.hosts![0], port: initiator.port!, rejectUnauthorized: false })
    await once(socket, 'secureConnect')
    expect(socket.getPeerCertificate().fingerprint256).toBe(initiator.fingerprint)
    socket.write(`${encode({ type: 'hello', from: 'hans', ticket: initiator.ticket })}\n`)
    await once(socket, 'close')
    server.close()
    expect(accepted.map((line) => decodePeerMessage(line))).toEqual([
      { type: 'hello', from: 'hans', ticket: acceptor.ticket },
    ])

    // The request was single-use.
    expect(
      await luke.request({
        type: 'private_answer',
        requestId: request.requestId,
        accept: true,
        endpoint: { port, hosts: ['127.0.0.1'], fingerprint: cert.fingerprint256 },
      }),
    ).toMatchObject({ type: 'error', code: ErrorCode.InvalidCommand })
  })

  it('tells the requester when the other side declines', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    await hans.request({ type: 'startprivate', user: 'luke' })
    const request = await luke.waitForType('private_request')
    expect(await luke.request({ type: 'private_answer', requestId: request.requestId, accept: false })).toMatchObject({
      type: 'ack',
    })
    expect(await hans.waitForType('private_declined')).toMatchObject({ user: 'luke' })
    expect(hans.ofType('private_ready')).toEqual([])
  })

  it('needs an endpoint to accept, and only the addressee may answer', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await hans.request({ type: 'startprivate', user: 'luke' })
    const request = await luke.waitForType('private_request')
    expect(await luke.request({ type: 'private_answer', requestId: request.requestId, accept: true })).toMatchObject({
      code: ErrorCode.BadMessage,
    })
    expect(await yoda.request({ type: 'private_answer', requestId: request.requestId, accept: false })).toMatchObject({
      code: ErrorCode.InvalidCommand,
    })
    // Still answerable by luke.
    expect(await luke.request({ type: 'private_answer', requestId: request.requestId, accept: false })).toMatchObject({
      type: 'ack',
    })
  })

  it('is refused when either side blocked the other, the user is offline, oneself, or unknown', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    const yoda = await h.loginAs('yoda')
    await h.register('leia')
    await luke.request({ type: 'block', user: 'hans' })
    await hans.request({ type: 'block', user: 'yoda' })
    const refused = (user: string) => ({ type: 'error', code: ErrorCode.PrivateNotEnabled, user })
    expect(await hans.request({ type: 'startprivate', user: 'luke' })).toMatchObject(refused('luke'))
    expect(await hans.request({ type: 'startprivate', user: 'yoda' })).toMatchObject(refused('yoda'))
    expect(await yoda.request({ type: 'startprivate', user: 'hans' })).toMatchObject(refused('hans'))
    expect(await hans.request({ type: 'startprivate', user: 'leia' })).toMatchObject(refused('leia'))
    expect(await hans.request({ type: 'startprivate', user: 'hans' })).toMatchObject(refused('hans'))
    expect(await hans.request({ type: 'startprivate', user: 'nobody' })).toMatchObject({
      code: ErrorCode.UnknownUser,
    })
    await luke.request({ type: 'whoelse' })
    await yoda.request({ type: 'whoelse' })
    expect([...luke.ofType('private_request'), ...yoda.ofType('private_request')]).toEqual([])
  })
})
