/**
 * Incoming messages: each is shown once (a bounded window of the message ids seen), and every
 * delivery, duplicates too, is confirmed with `received` so the gateway drops it from the offline
 * queue. Confirmations made in one turn of the event loop go out together, at most 500 ids a frame.
 * @module
 */

const SEEN_LIMIT = 10_000
export const RECEIVED_CHUNK = 500

/** The ids of the last 10,000 messages shown. */
export class SeenIds {
  readonly #ids = new Set<number>()

  /** Remembers `id`; false when it was seen before. */
  add(id: number): boolean {
    if (this.#ids.has(id)) return false
    this.#ids.add(id)
    if (this.#ids.size > SEEN_LIMIT) this.#ids.delete(this.#ids.values().next().value as number)
    return true
  }
}

/** Message ids waiting to be confirmed; `flush` is called once per turn while `canSend()`. */
export class ReceivedBatch {
  #ids: number[] = []
  #scheduled = false
  readonly #canSend: () => boolean
  readonly #send: (ids: number[]) => void

  constructor(canSend: () => boolean, send: (ids: number[]) => void) {
    this.#canSend = canSend
    this.#send = send
  }

  add(ids: readonly number[]): void {
    this.#ids.push(...ids)
    this.schedule()
  }

  /** Sends what waits (in the next microtask), if the connection can take it now. */
  schedule(): void {
    if (this.#scheduled || this.#ids.length === 0 || !this.#canSend()) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      if (!this.#canSend()) return
      const ids = this.#ids
      this.#ids = []
      for (let start = 0; start < ids.length; start += RECEIVED_CHUNK)
        this.#send(ids.slice(start, start + RECEIVED_CHUNK))
    })
  }

  /** The connection dropped: the gateway pushes unconfirmed messages again after the next sign-in. */
  clear(): void {
    this.#ids = []
  }
}
