/**
 * Pending private-chat requests: `startprivate` opens one, the target's `private_answer` takes it
 * (once). Requests expire so an unanswered one does not linger. In memory (one process, or the
 * fallback while Redis is unreachable): a request lives for seconds and is lost harmlessly on a
 * restart (the requester asks again).
 * @module
 */
import type { PrivateRequest } from './types.js'

export class PrivateBroker {
  readonly #ttlMs: number
  readonly #requests = new Map<string, PrivateRequest>()

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  open(request: Omit<PrivateRequest, 'expiresAt'>, now: number): PrivateRequest {
    this.#sweep(now)
    const stored = { ...request, expiresAt: now + this.#ttlMs }
    this.#requests.set(request.requestId, stored)
    return stored
  }

  /** Removes and returns the request when it is addressed to `userId` and still valid; null otherwise. */
  take(requestId: string, userId: number, now: number): PrivateRequest | null {
    this.#sweep(now)
    const request = this.#requests.get(requestId)
    if (!request || request.toUserId !== userId) return null
    this.#requests.delete(requestId)
    return request
  }

  #sweep(now: number): void {
    for (const [id, request] of this.#requests) if (request.expiresAt <= now) this.#requests.delete(id)
  }

  get size(): number {
    return this.#requests.size
  }
}
