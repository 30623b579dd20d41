/**
 * The user's private links, by peer name: offers (we accepted and listen, waiting for the
 * initiator) and links that are up. It turns gateway events into TLS connections and back into
 * events for the view; the gateway never sees the text.
 * @module
 */
import type { TLSSocket } from 'node:tls'
import type { PrivateEndpoint } from '@parley/protocol'
import { dialPeer, listenForPeer, type PeerListener } from './endpoint.js'
import { sameSecret } from './fingerprint.js'
import { type DownCause, PeerLink } from './peer-link.js'

export type LinkEvent =
  | { type: 'up'; user: string }
  | { type: 'text'; user: string; text: string }
  | { type: 'down'; user: string; by: DownCause; why?: string }
  | { type: 'failed'; user: string; why: string }

export interface PrivateLinksOptions {
  /** Address to listen on when accepting (e.g. 127.0.0.1, or 0.0.0.0 for peers on other machines). */
  bindHost: string
  /** This user's name, as the gateway knows it. */
  me: () => string
  onEvent: (event: LinkEvent) => void
  /** How long an accepted offer waits for the initiator; default 60 s. */
  offerTimeoutMs?: number
}

interface Offer {
  listener: PeerListener
  /** Set when the gateway's `private_ready` names the ticket. */
  ticket: string | null
  ticketWaiters: Array<(ticket: string | null) => void>
  used: boolean
  timer: NodeJS.Timeout
  sockets: Set<TLSSocket>
}

export class PrivateLinks {
  readonly #options: PrivateLinksOptions
  readonly #links = new Map<string, PeerLink>()
  readonly #offers = new Map<string, Offer>()

  constructor(options: PrivateLinksOptions) {
    this.#options = options
  }

  /** Names of the users with a link that is up. */
  peers(): string[] {
    return [...this.#links.keys()]
  }

  has(user: string): boolean {
    return this.#links.has(user)
  }

  /** We accepted `from`'s request: listen for it and return what the gateway passes on. */
  async offer(from: string): Promise<PrivateEndpoint> {
    this.#dropOffer(from)
    const listener = await listenForPeer(this.#options.bindHost, (socket) => this.#onIncoming(from, socket))
    const offer: Offer = {
      listener,
      ticket: null,
      ticketWaiters: [],
      used: false,
      sockets: new Set(),
      timer: setTimeout(() => {
        if (this.#offers.get(from) !== offer) return
        this.#dropOffer(from)
        this.#options.onEvent({ type: 'failed', user: from, why: 'the other side did not connect' })
      }, this.#options.offerTimeoutMs ?? 60_000),
    }
    offer.timer.unref()
    this.#offers.set(from, offer)
    return listener.endpoint
  }

  /** The gateway's `private_ready` for the acceptor: the ticket the initiator will present. */
  expect(user: string, ticket: string): void {
    const offer = this.#offers.get(user)
    if (!offer || offer.ticket) return
    offer.ticket = ticket
    for (const resolve of offer.ticketWaiters.splice(0)) resolve(ticket)
  }

  /** Cancels an offer (e.g. the gateway refused our answer). */
  cancel(user: string): void {
    this.#dropOffer(user)
  }

  /** The gateway's `private_ready` for the initiator: connect, verify, say hello. */
  async dial(
    user: string,
    ready: { ticket: string; port: number; hosts: string[]; fingerprint: string },
  ): Promise<void> {
    let socket: TLSSocket
    try {
      socket = await dialPeer({ hosts: ready.hosts, port: ready.port, fingerprint: ready.fingerprint })
    } catch (error) {
      this.#options.onEvent({ type: 'failed', user, why: (error as Error).message })
      return
    }
    new PeerLink(
      socket,
      { role: 'initiator', me: this.#options.me(), peer: user, ticket: ready.ticket },
      this.#handlers(),
    )
  }

  send(user: string, text: string): boolean {
    return this.#links.get(user)?.send(text) ?? false
  }

  /** Ends the link with `user` from this side; false when there was none. */
  stop(user: string): boolean {
    const link = this.#links.get(user)
    if (!link) return false
    link.stop()
    return true
  }

  /** Logout / exit: every link and offer ends. */
  stopAll(): void {
    for (const user of [...this.#offers.keys()]) this.#dropOffer(user)
    for (const link of [...this.#links.values()]) link.stop()
  }

  #onIncoming(from: string, socket: TLSSocket): void {
    const offer = this.#offers.get(from)
    if (!offer) {
      socket.destroy()
      return
    }
    offer.sockets.add(socket)
    socket.once('close', () => offer.sockets.delete(socket))
    const admit = async (helloFrom: string, ticket: string): Promise<string | null> => {
      if (helloFrom !== from || offer.used) return null
      const expected =
        offer.ticket ?? (await new Promise<string | null>((resolve) => offer.ticketWaiters.push(resolve)))
      if (!expected || offer.used || !sameSecret(ticket, expected)) return null
      // Single use: the listener closes; this socket becomes the link.
      offer.used = true
      offer.sockets.delete(socket)
      this.#dropOffer(from)
      return from
    }
    new PeerLink(socket, { role: 'acceptor', me: this.#options.me(), admit }, this.#handlers())
  }

  #dropOffer(user: string): void {
    const offer = this.#offers.get(user)
    if (!offer) return
    this.#offers.delete(user)
    clearTimeout(offer.timer)
    offer.listener.close()
    for (const resolve of offer.ticketWaiters.splice(0)) resolve(null)
    for (const socket of offer.sockets) socket.destroy()
  }

  #handlers() {
    return {
      onUp: (link: PeerLink) => {
        const user = link.peer!
        const previous = this.#links.get(user)
        this.#links.set(user, link)
        previous?.stop()
        this.#options.onEvent({ type: 'up', user })
      },
      onText: (link: PeerLink, text: string) => {
        this.#options.onEvent({ type: 'text', user: link.peer!, text })
      },
      onDown: (link: PeerLink, by: DownCause, why?: string) => {
        const user = link.peer
        if (!user) return // a stranger's connection that never passed the handshake
        if (this.#links.get(user) === link) {
          this.#links.delete(user)
          this.#options.onEvent({ type: 'down', user, by, ...(why ? { why } : {}) })
        } else if (link.state === 'down' && !this.#links.has(user) && by === 'error') {
          this.#options.onEvent({ type: 'failed', user, why: why ?? 'the link failed' })
        }
      },
    }
  }
}
