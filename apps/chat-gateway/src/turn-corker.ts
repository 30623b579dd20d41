/**
 * Coalesces what one turn of the event loop writes to each socket into one write. A connection that
 * gets an ack and a message, or eight broadcasts, within the same turn then pays for one TLS record
 * and one `writev` instead of one per frame (on loopback the syscalls were the largest single cost of
 * a chat message). The sockets are uncorked once the turn's immediates have run too (`setImmediate`,
 * twice: the in-process bus delivers with `setImmediate`, so a message's push and its sender's ack, or
 * the two messages of a conversation, leave together), so a frame never waits past the next turn.
 * @module
 */
import type { Duplex } from 'node:stream'

export class TurnCorker {
  readonly #corked = new Set<Duplex>()

  /** Holds `socket`'s writes until the end of this turn (no-op when already held). */
  cork(socket: Duplex): void {
    if (this.#corked.has(socket)) return
    if (this.#corked.size === 0) setImmediate(() => setImmediate(() => this.flush()))
    this.#corked.add(socket)
    socket.cork()
  }

  /** Writes out everything held. */
  flush(): void {
    for (const socket of this.#corked) socket.uncork()
    this.#corked.clear()
  }
}
