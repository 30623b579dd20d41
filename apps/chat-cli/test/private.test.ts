import { connect } from 'node:tls'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sameFingerprint } from '../src/private/fingerprint.js'
import { type LinkEvent, PrivateLinks } from '../src/private/links.js'

const TICKET = 'ticket-0123456789abcdef'
const cleanups: Array<() => void> = []

function side(me: string) {
  const events: LinkEvent[] = []
  const links = new PrivateLinks({ bindHost: '127.0.0.1', me: () => me, onEvent: (e) => events.push(e) })
  cleanups.push(() => links.stopAll())
  const waitFor = (predicate: (e: LinkEvent) => boolean, what: string) =>
    vi.waitFor(
      () => {
        const found = events.find(predicate)
        if (!found) throw new Error(`${me}: timed out waiting for ${what}; got ${JSON.stringify(events)}`)
        return found
      },
      { timeout: 10_000, interval: 20 },
    )
  return { links, events, waitFor }
}

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

describe('private links over TLS', () => {
  it('links hans (initiator) and luke (acceptor), carries text both ways, and stops on both sides', async () => {
    const hans = side('hans')
    const luke = side('luke')
    const endpoint = await luke.links.offer('hans')
    expect(endpoint.hosts).toEqual(['127.0.0.1'])
    expect(endpoint.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    // The initiator may dial before the acceptor has heard its ticket from the gateway.
    const dialing = hans.links.dial('luke', { ticket: TICKET, ...endpoint })
    luke.links.expect('hans', TICKET)
    await dialing
    await hans.waitFor((e) => e.type === 'up', 'link up')
    await luke.waitFor((e) => e.type === 'up', 'link up')
    expect(hans.links.peers()).toEqual(['luke'])
    expect(luke.links.peers()).toEqual(['hans'])

    expect(hans.links.send('luke', 'hi luke')).toBe(true)
    expect(luke.links.send('hans', 'hi hans')).toBe(true)
    expect(await luke.waitFor((e) => e.type === 'text', 'text')).toEqual({
      type: 'text',
      user: 'hans',
      text: 'hi luke',
    })
    expect(await hans.waitFor((e) => e.type === 'text', 'text')).toEqual({
      type: 'text',
      user: 'luke',
      text: 'hi hans',
    })

    expect(luke.links.stop('hans')).toBe(true)
    expect(await luke.waitFor((e) => e.type === 'down', 'down')).toEqual({ type: 'down', user: 'hans', by: 'me' })
    expect(await hans.waitFor((e) => e.type === 'down', 'down')).toEqual({ type: 'down', user: 'luke', by: 'peer' })
    expect(hans.links.send('luke', 'gone')).toBe(false)
    expect(hans.links.stop('luke')).toBe(false)
  })

  it('refuses to talk to a listener whose certificate does not match the fingerprint', async () => {
    const hans = side('hans')
    const luke = side('luke')
    const endpoint = await luke.links.offer('hans')
    luke.links.expect('hans', TICKET)
    const wrong = endpoint.fingerprint.startsWith('00')
      ? `11${endpoint.fingerprint.slice(2)}`
      : `00${endpoint.fingerprint.slice(2)}`
    await hans.links.dial('luke', { ticket: TICKET, ...endpoint, fingerprint: wrong })
    const failed = await hans.waitFor((e) => e.type === 'failed', 'failure')
    expect(failed).toMatchObject({ user: 'luke', why: expect.stringContaining('fingerprint') })
    expect(hans.links.peers()).toEqual([])
  })

  it('accepts only the expected user with the expected ticket, and only once', async () => {
    const luke = side('luke')
    const endpoint = await luke.links.offer('hans')
    luke.links.expect('hans', TICKET)

    const tryHello = (hello: object) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: endpoint.port, rejectUnauthorized: false }, () => {
          socket.write(`${JSON.stringify(hello)}\n`)
        })
        let answer = ''
        socket.setEncoding('utf8')
        socket.on('data', (chunk) => {
          answer += chunk
        })
        socket.on('error', () => undefined)
        socket.on('close', () => resolve(answer))
        socket.on('data', () => {
          if (answer.includes('\n')) socket.end()
        })
      })

    expect(await tryHello({ type: 'hello', from: 'yoda', ticket: TICKET })).toBe('')
    expect(await tryHello({ type: 'hello', from: 'hans', ticket: 'ticket-wrong-wrong-wrong' })).toBe('')
    expect(await tryHello({ type: 'private', text: 'no hello first' })).toBe('')
    const answer = await tryHello({ type: 'hello', from: 'hans', ticket: TICKET })
    expect(JSON.parse(answer)).toEqual({ type: 'hello', from: 'luke', ticket: TICKET })
    await luke.waitFor((e) => e.type === 'up', 'link up')
    // Single use: the listener is gone after the first good hello.
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: endpoint.port, rejectUnauthorized: false }, () =>
          resolve('connected'),
        )
        socket.on('error', reject)
      }),
    ).rejects.toThrow(/ECONNREFUSED/)
  })

  it('compares fingerprints exactly (case-insensitive hex), rejecting malformed ones', () => {
    const fp = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':')
    expect(sameFingerprint(fp, fp)).toBe(true)
    expect(sameFingerprint(fp.toLowerCase(), fp)).toBe(true)
    expect(sameFingerprint(`${fp.slice(0, -2)}FF`, fp)).toBe(false)
    expect(sameFingerprint(undefined, fp)).toBe(false)
    expect(sameFingerprint('AB:CD', 'AB:CD')).toBe(false)
  })
})
