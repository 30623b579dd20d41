/**
 * The one error the bus adds. Its stable `code` lets apps map it at their edge (a 503, an error
 * frame) without matching messages.
 * @module
 */

export type BusUnavailableReason = 'disconnected' | 'closed' | 'unreachable'

export class BusUnavailableError extends Error {
  readonly code = 'BUS_UNAVAILABLE'
  readonly reason: BusUnavailableReason
  constructor(reason: BusUnavailableReason, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'BusUnavailableError'
    this.reason = reason
  }
}

export function isBusUnavailable(value: unknown): value is BusUnavailableError {
  return value instanceof BusUnavailableError
}
