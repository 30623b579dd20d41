/**
 * Open connections per key (a client address, IPv6 by /64), with a cap: the gateway refuses an
 * upgrade from an address that already holds `max` sockets, so one host cannot exhaust the
 * process's memory or file descriptors. Pure state; the gateway adds at the upgrade and removes
 * when the socket closes.
 * @module
 */
export class AddressCounter {
  readonly max: number
  readonly #counts = new Map<string, number>()

  constructor(max: number) {
    this.max = max
  }

  /** Takes a place for `key`; false (nothing taken) when it already holds `max`. */
  tryAdd(key: string): boolean {
    const count = this.#counts.get(key) ?? 0
    if (count >= this.max) return false
    this.#counts.set(key, count + 1)
    return true
  }

  remove(key: string): void {
    const count = this.#counts.get(key) ?? 0
    if (count <= 1) this.#counts.delete(key)
    else this.#counts.set(key, count - 1)
  }

  count(key: string): number {
    return this.#counts.get(key) ?? 0
  }
}
