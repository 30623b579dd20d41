/**
 * Who is online on every gateway, sorted by name, kept in memory from the presence events every
 * instance receives (and reloaded from the online directory at start and after a bus outage). A
 * sign-in reads its `welcome` page here in O(log n + page) instead of fetching and sorting the whole
 * directory: with that, n sign-ins no longer cost O(n²). The index may trail the directory by the
 * bus's latency; a user missing from a welcome page is announced to the newcomer by the presence
 * event still on its way, since the newcomer is registered before it arrives.
 * @module
 */
import type { OnlineUser } from './cluster/types.js'

/** The order of `whoelse` and of every list of names the gateway sends. */
export const compareNames = new Intl.Collator().compare

/** The first position in `sorted` (ordered by `compareNames` on `nameOf`) whose name sorts after `name`. */
export function firstAfter<T>(sorted: readonly T[], name: string, nameOf: (item: T) => string): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareNames(nameOf(sorted[middle]!), name) <= 0) low = middle + 1
    else high = middle
  }
  return low
}

export interface NamePage {
  users: string[]
  /** Set when more users follow: the `after` of the next page. */
  next?: string
  /** Visible users in all (the whole index minus the hidden ones). */
  total: number
}

export class OnlineIndex {
  readonly #names = new Map<number, string>()
  /** Sorted by `compareNames`, ties by id. */
  #sorted: OnlineUser[] = []

  get size(): number {
    return this.#names.size
  }

  replaceAll(users: readonly OnlineUser[]): void {
    this.#names.clear()
    for (const user of users) this.#names.set(user.id, user.username)
    this.#sorted = [...this.#names].map(([id, username]) => ({ id, username })).sort(compareUsers)
  }

  set(user: OnlineUser): void {
    const known = this.#names.get(user.id)
    if (known === user.username) return
    if (known !== undefined) this.delete(user.id)
    this.#names.set(user.id, user.username)
    this.#sorted.splice(this.#indexOf(user), 0, user)
  }

  delete(userId: number): void {
    const username = this.#names.get(userId)
    if (username === undefined) return
    this.#names.delete(userId)
    const at = this.#indexOf({ id: userId, username })
    if (this.#sorted[at]?.id === userId) this.#sorted.splice(at, 1)
  }

  /**
   * Up to `limit` names after `after` (exclusive; from the start when undefined), skipping `hidden`
   * users (the asker and whoever blocked them).
   */
  page(after: string | undefined, limit: number, hidden: ReadonlySet<number>): NamePage {
    let at = after === undefined ? 0 : firstAfter(this.#sorted, after, (user) => user.username)
    const users: string[] = []
    while (at < this.#sorted.length && users.length < limit) {
      const user = this.#sorted[at++]!
      if (!hidden.has(user.id)) users.push(user.username)
    }
    while (at < this.#sorted.length && hidden.has(this.#sorted[at]!.id)) at++
    let hiddenOnline = 0
    for (const id of hidden) if (this.#names.has(id)) hiddenOnline++
    const total = this.#names.size - hiddenOnline
    return at < this.#sorted.length && users.length > 0 ? { users, next: users.at(-1)!, total } : { users, total }
  }

  /** Where `user` is or would be inserted (binary search). */
  #indexOf(user: OnlineUser): number {
    let low = 0
    let high = this.#sorted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareUsers(this.#sorted[middle]!, user) < 0) low = middle + 1
      else high = middle
    }
    return low
  }
}

function compareUsers(a: OnlineUser, b: OnlineUser): number {
  return compareNames(a.username, b.username) || a.id - b.id
}
