/**
 * When a connection's unsent data means a slow consumer. A burst can push a healthy reader over
 * the bound for a moment (10 users × 55 broadcasts of 2,000 characters is over 1 MiB for every
 * reader), so crossing it cuts nobody: a connection is cut at a heartbeat when it was already over
 * the bound at the previous one and has not drained since (a stalled reader), or at once past
 * `CEILING_FACTOR` × the bound (memory protection against a reader that stalls during a flood).
 * Pure state; the caller samples `bufferedAmount`.
 * @module
 */

/** Unsent data beyond this many times the bound cuts the connection at once. */
export const CEILING_FACTOR = 4

export class SlowConsumerCheck {
  readonly #bound: number
  readonly #ceiling: number
  /** Unsent bytes at the previous heartbeat. */
  #atLastHeartbeat = 0

  constructor(boundBytes: number) {
    this.#bound = boundBytes
    this.#ceiling = boundBytes * CEILING_FACTOR
  }

  /** After a send: true when the connection must be cut now (past the ceiling). */
  onSend(bufferedBytes: number): boolean {
    return bufferedBytes > this.#ceiling
  }

  /** At a heartbeat: true when it stayed over the bound since the last one without draining. */
  atHeartbeat(bufferedBytes: number): boolean {
    const previous = this.#atLastHeartbeat
    this.#atLastHeartbeat = bufferedBytes
    if (bufferedBytes > this.#ceiling) return true
    return bufferedBytes > this.#bound && previous > this.#bound && bufferedBytes >= previous
  }
}
