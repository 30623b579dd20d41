/**
 * One private link over an established TLS socket: a hello exchange that proves the ticket, then
 * `private` text frames both ways until either side sends `stop` or the socket closes.
 *
 * Handshake: the initiator (who dialled) sends `hello {from, ticket}`; the acceptor checks the name
 * and the single-use ticket the gateway gave it and answers with its own `hello` (same ticket),
 * which tells the initiator the link is up.
 * @module
 */
import type { TLSSocket } from 'node:tls'
import type { PeerMessage } from '@parley/protocol'
import { sameSecret } from './fingerprint.js'
import { type FrameReader, readPeerFrames, writePeerFrame } from './ndjson.js'

export type LinkState = 'handshake' | 'up' | 'down'
export type DownCause = 'me' | 'peer' | 'error'

export interface PeerLinkHandlers {
  onUp(link: PeerLink): void
  onText(link: PeerLink, text: string): void
  onDown(link: PeerLink, by: DownCause, why?: string): void
}

export interface InitiatorOptions {
  role: 'initiator'
  me: string
  peer: string
  ticket: string
}

export interface AcceptorOptions {
  role: 'acceptor'
  me: string
  /**
   * Checks a hello: resolves with the peer's name when its ticket is the one expected (and
   * marks it used), else null. It may wait for the gateway's `private_ready`.
   */
  admit(from: string, ticket: string): Promise<string | null>
}

const HANDSHAKE_TIMEOUT_MS = 15_000

export class PeerLink {
  readonly #socket: TLSSocket
  readonly #handlers: PeerLinkHandlers
  readonly #options: InitiatorOptions | AcceptorOptions
  readonly #reader: FrameReader
  #state: LinkState = 'handshake'
  /** The acceptor is checking a hello: the initiator must wait for the answer. */
  #admitting = false
  #peer: string | null
  #timer: NodeJS.Timeout | null

  constructor(socket: TLSSocket, options: InitiatorOptions | AcceptorOptions, handlers: PeerLinkHandlers) {
    this.#socket = socket
    this.#options = options
    this.#handlers = handlers
    this.#peer = options.role === 'initiator' ? options.peer : null
    this.#timer = setTimeout(() => this.#fail('the other side did not complete the handshake'), HANDSHAKE_TIMEOUT_MS)
    this.#timer.unref()
    this.#reader = readPeerFrames(
      socket,
      (frame) => this.#onFrame(frame),
      (why) => this.#fail(why),
    )
    socket.on('error', (error) => this.#fail(error.message))
    socket.on('close', () => this.#down(this.#state === 'up' ? 'peer' : 'error', 'connection closed'))
    if (options.role === 'initiator') {
      writePeerFrame(socket, { type: 'hello', from: options.me, ticket: options.ticket })
    }
  }

  get state(): LinkState {
    return this.#state
  }

  /** The other user's name (known once the handshake is done, or from the start for the initiator). */
  get peer(): string | null {
    return this.#peer
  }

  send(text: string): boolean {
    if (this.#state !== 'up') return false
    writePeerFrame(this.#socket, { type: 'private', text })
    return true
  }

  /** Ends the link from this side: tells the peer, then closes. */
  stop(): void {
    if (this.#state === 'down') return
    if (this.#state === 'up') writePeerFrame(this.#socket, { type: 'stop' })
    this.#socket.end()
    this.#down('me')
  }

  #onFrame(frame: PeerMessage): void {
    if (this.#state === 'handshake') {
      if (this.#admitting) {
        this.#fail('the peer spoke before the handshake finished')
        return
      }
      if (frame.type !== 'hello') {
        this.#fail(`expected hello, got ${frame.type}`)
        return
      }
      void this.#onHello(frame.from, frame.ticket)
      return
    }
    if (this.#state !== 'up') return
    if (frame.type === 'private') this.#handlers.onText(this, frame.text)
    else if (frame.type === 'stop') {
      this.#socket.end()
      this.#down('peer')
    } else this.#fail('unexpected hello')
  }

  async #onHello(from: string, ticket: string): Promise<void> {
    const options = this.#options
    if (options.role === 'initiator') {
      if (from !== options.peer || !sameSecret(ticket, options.ticket)) {
        this.#fail('the peer answered wrongly')
        return
      }
      this.#up()
      return
    }
    this.#admitting = true
    const peer = await options.admit(from, ticket)
    this.#admitting = false
    if (this.#state !== 'handshake') return
    if (!peer) {
      this.#fail('hello with a wrong ticket')
      return
    }
    this.#peer = peer
    writePeerFrame(this.#socket, { type: 'hello', from: options.me, ticket })
    this.#up()
  }

  #up(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#state = 'up'
    this.#handlers.onUp(this)
  }

  #fail(why: string): void {
    if (this.#state === 'down') return
    this.#socket.destroy()
    this.#down('error', why)
  }

  #down(by: DownCause, why?: string): void {
    if (this.#state === 'down') return
    const wasUp = this.#state === 'up'
    this.#state = 'down'
    if (this.#timer) clearTimeout(this.#timer)
    this.#reader.stop()
    if (wasUp || by === 'error') this.#handlers.onDown(this, by, why)
  }
}
