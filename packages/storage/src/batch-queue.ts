/**
 * Group commit, the part both backends share: work that arrives within one event-loop turn, or
 * while the previous batch is still committing, is handed to `flush` together, so N callers pay for
 * one commit (one `fsync`) instead of N. Every caller still gets its own outcome: a batch that fails
 * as a whole (the commit failed) rejects each of its callers, and a batch may fail single items
 * while the rest commit. Nothing is acknowledged before `flush` says its batch is durable.
 * @module
 */

/** The outcome of one item of a batch. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

export interface BatchQueueOptions<I, O> {
  /**
   * Commits `items` together and returns one outcome per item, in order. Throwing (or rejecting)
   * fails every item of the batch with that error.
   */
  flush: (items: I[]) => Settled<O>[] | Promise<Settled<O>[]>
  /** Largest batch; the rest waits for the next one. Default 1000. */
  maxBatch?: number
  /**
   * Batches committing at once. Default 1 (SQLite has one writer). PostgreSQL commits concurrent
   * transactions in parallel, so a new batch need not wait for the previous one's commit. Items of one
   * caller that must stay in order are awaited one after another by that caller, so they never race.
   */
  maxInFlight?: number
}

export interface BatchQueue<I, O> {
  /** Queues `item`; resolves once the batch holding it has committed. */
  push(item: I): Promise<O>
  /** Items queued and not yet settled (for tests and metrics). */
  readonly pending: number
  /** Resolves once every item queued so far has settled (close waits for it). */
  drain(): Promise<void>
}

interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

export function createBatchQueue<I, O>(options: BatchQueueOptions<I, O>): BatchQueue<I, O> {
  const maxBatch = options.maxBatch ?? 1000
  const maxInFlight = options.maxInFlight ?? 1
  let queue: Waiting<I, O>[] = []
  let scheduled = false
  let flushing = 0
  let inFlight = 0

  // setImmediate runs after the poll phase: every frame read from the sockets in this turn, and the
  // microtasks they started, have queued their writes by then.
  function schedule(): void {
    if (scheduled || flushing >= maxInFlight) return
    scheduled = true
    setImmediate(run)
  }

  async function run(): Promise<void> {
    scheduled = false
    if (queue.length === 0) return
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch)
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch)
    flushing++
    inFlight += batch.length
    // Room for another batch meanwhile: what arrives next starts committing without waiting for this one.
    if (queue.length > 0) schedule()
    try {
      const outcomes = await options.flush(batch.map((waiting) => waiting.item))
      batch.forEach((waiting, index) => {
        const outcome = outcomes[index]
        if (outcome === undefined) waiting.reject(new Error('batch flush returned too few outcomes'))
        else if (outcome.ok) waiting.resolve(outcome.value)
        else waiting.reject(outcome.error)
      })
    } catch (error) {
      for (const waiting of batch) waiting.reject(error)
    } finally {
      flushing--
      inFlight -= batch.length
      if (queue.length > 0) schedule()
    }
  }

  return {
    push(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        schedule()
      })
    },
    get pending() {
      return queue.length + inFlight
    },
    async drain() {
      while (queue.length + inFlight > 0) await new Promise((resolve) => setImmediate(resolve))
    },
  }
}
