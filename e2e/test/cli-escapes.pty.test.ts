/**
 * Terminal escape sequences in chat text reaching the real CLI in a real pseudo-terminal: a
 * protocol client sends CSI, OSC, DCS, C1 (8-bit) controls, cursor tricks and terminal queries as
 * live messages, as an offline-queued message, as a broadcast, and over a direct private link (the
 * attacker is the peer, so the gateway never sees that text), against the real gateway. Each
 * line the CLI prints for them must carry no raw ESC, BEL, C1 or CR/BS: exactly the sanitised text.
 */
import { once } from 'node:events'
import { createServer, type TLSSocket } from 'node:tls'
import { createEphemeralCertificate } from '@parley/certs'
import { sanitize } from 'chat-cli/src/sanitize.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatClient } from '../src/chat-client.js'
import { type CliPty, signedInCli } from '../src/cli-pty.js'
import { PASSWORD, type RunningGateway, Site } from '../src/site.js'

const PAYLOADS: [string, string][] = [
  ['clear screen and home (CSI)', '\u001b[2J\u001b[H'],
  ['SGR colour that never ends', '\u001b[31;1;5mRED'],
  ['cursor up and erase line (hides the previous line)', '\u001b[1A\u001b[2Kforged line'],
  ['window title (OSC 0, BEL)', '\u001b]0;pwned title\u0007'],
  ['hyperlink (OSC 8, ST)', '\u001b]8;;https://evil.invalid/\u001b\\click\u001b]8;;\u001b\\'],
  ['clipboard write (OSC 52)', '\u001b]52;c;cm0gLXJmIH4=\u0007'],
  ['device status report query (answer would be typed in)', '\u001b[6n'],
  ['terminfo query (DCS XTGETTCAP)', '\u001bP+q544e\u001b\\'],
  ['8-bit CSI (C1 U+009B)', '\u009b31mred'],
  ['8-bit OSC and ST (C1 U+009D, U+009C)', '\u009d0;title\u009c'],
  ['next line (C1 NEL U+0085)', 'a\u0085b'],
  ['full reset (RIS)', '\u001bc'],
  ['alternate screen', '\u001b[?1049h'],
  ['carriage return overwrite', 'innocent\rluke: forged'],
  ['backspaces', 'abc\b\b\bxyz'],
  ['bell', 'ding\u0007'],
  ['right-to-left override', 'abc\u202edcba'],
  ['line separator', 'one\u2028two'],
  ['newline faking a second sender', 'hi\nyoda: forged line'],
]

/** Control characters that act on a terminal. */
function terminalControls(text: string): string[] {
  return [...text]
    .filter((char) => {
      const code = char.codePointAt(0)!
      return code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)
    })
    .map((char) => `U+${char.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

let site: Site
let gw: RunningGateway
let mallory: ChatClient
const clis: CliPty[] = []

beforeAll(async () => {
  site = await Site.open()
  gw = await site.startGateway()
  for (const name of ['luke', 'mallory']) await site.createUser(name)
  mallory = await ChatClient.connect(gw.url, { ca: site.certs.ca })
  await mallory.login('mallory', PASSWORD)
}, 120_000)

afterAll(async () => {
  for (const cli of clis) cli.kill()
  mallory?.terminate()
  await site?.close()
})

/** The line for a marked text is exactly "sender: sanitised text", with no terminal control in it. */
function expectNeutralised(cli: CliPty, prefix: string, text: string): void {
  const line = cli.lineFrom(prefix)
  expect(terminalControls(line), `${JSON.stringify(line)}`).toEqual([])
  expect(line).toBe(`${prefix.slice(0, prefix.indexOf(': ') + 2)}${sanitize(text)}`)
}

describe('escape sequences from other users reach the CLI neutralised', () => {
  it('in an offline-queued message, shown at login', async () => {
    const text = 'q0|\u001b]0;offline title\u0007\u001b[2J'
    expect(await mallory.request({ type: 'message', to: 'luke', text })).toMatchObject({
      type: 'ack',
      delivered: false,
    })
    const cli = await signedInCli(gw.url, site.certs.caPath, 'luke', PASSWORD)
    clis.push(cli)
    await cli.waitForText('mallory: q0|')
    expectNeutralised(cli, 'mallory: q0|', text)
  })

  it.each(PAYLOADS)('in a live message: %s', async (_name, payload) => {
    const cli = clis[0]!
    const marker = `m${PAYLOADS.findIndex(([, p]) => p === payload)}|`
    const text = `${marker}${payload}`
    expect(await mallory.request({ type: 'message', to: 'luke', text })).toMatchObject({ type: 'ack' })
    await cli.waitForText(`mallory: ${marker}`)
    expectNeutralised(cli, `mallory: ${marker}`, text)
  })

  it('in a broadcast', async () => {
    const cli = clis[0]!
    const text = `b0|${PAYLOADS.map(([, payload]) => payload).join('')}`
    expect(await mallory.request({ type: 'broadcast', text })).toMatchObject({ type: 'ack' })
    await cli.waitForText('mallory: b0|')
    expectNeutralised(cli, 'mallory: b0|', text)
  })

  it('while the user is typing: the partial input is kept and the line is still clean', async () => {
    const cli = clis[0]!
    cli.pty.write('message mallory half typed')
    await cli.waitForText('half typed')
    const text = 't0|\u001b[2K\r\u001b[1A'
    await mallory.request({ type: 'message', to: 'luke', text })
    await cli.waitForText('mallory: t0|')
    expectNeutralised(cli, 'mallory: t0|', text)
    cli.enter('')
    await expect
      .poll(() => mallory.ofType('message').some((m) => m.text === 'half typed'), { timeout: 15_000 })
      .toBe(true)
  })

  it('over a private link, where the peer (not the gateway) sends the text', async () => {
    const cli = clis[0]!
    // Mallory accepts a private link: she listens with a throwaway certificate, as a real client does.
    const certificate = await createEphemeralCertificate({ commonName: 'mallory' })
    const peers: TLSSocket[] = []
    const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (socket) => peers.push(socket))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const since = mallory.frames.length
      cli.enter('startprivate mallory')
      const request = await mallory.waitForType('private_request', () => true, { since })
      const port = (server.address() as { port: number }).port
      const answer = await mallory.request({
        type: 'private_answer',
        requestId: request.requestId,
        accept: true,
        endpoint: { port, hosts: ['127.0.0.1'], fingerprint: certificate.fingerprint256 },
      })
      expect(answer).toMatchObject({ type: 'ack' })
      const ready = await mallory.waitForType('private_ready', () => true, { since })
      await expect.poll(() => peers.length, { timeout: 15_000 }).toBe(1)
      const peer = peers[0]!
      // The CLI introduces itself with the ticket, Mallory answers in kind (peer-link.ts handshake),
      // then sends escape sequences as private text.
      let hello = ''
      peer.setEncoding('utf8')
      peer.on('data', (chunk: string) => {
        hello += chunk
      })
      await expect.poll(() => hello.includes(ready.ticket), { timeout: 15_000 }).toBe(true)
      peer.write(`${JSON.stringify({ type: 'hello', from: 'mallory', ticket: ready.ticket })}\n`)
      await cli.waitForText('Start private messaging with mallory')
      for (const [index, [, payload]] of PAYLOADS.entries()) {
        peer.write(`${JSON.stringify({ type: 'private', text: `p${index}|${payload}` })}\n`)
      }
      for (const [index, [, payload]] of PAYLOADS.entries()) {
        await cli.waitForText(`mallory(private): p${index}|`)
        expectNeutralised(cli, `mallory(private): p${index}|`, `p${index}|${payload}`)
      }
      peer.write(`${JSON.stringify({ type: 'stop' })}\n`)
    } finally {
      for (const peer of peers) peer.destroy()
      server.close()
    }
  })
})
