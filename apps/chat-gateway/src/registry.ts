/**
 * Who is online on this gateway instance: user → their connections, with the session each belongs
 * to. Pure state (no I/O), so its rules are tested directly.
 * @module
 */

/** How a connection signed in: a chat token (CLI, one connection per session) or the board's cookie (browser tabs). */
export type SessionKind = 'token' | 'cookie'

export interface ConnectionEntry<C> {
  readonly connection: C
  readonly connId: string
  readonly sessionHash: string
  readonly kind: SessionKind
}

interface OnlineUser<C> {
  readonly username: string
  readonly connections: Map<string, ConnectionEntry<C>>
}

export class Registry<C> {
  readonly #users = new Map<number, OnlineUser<C>>()
  #connections = 0

  /** Adds a connection; true when it is the user's first (the user just came online). */
  add(userId: number, username: string, entry: ConnectionEntry<C>): boolean {
    let user = this.#users.get(userId)
    const first = user === undefined
    if (!user) {
      user = { username, connections: new Map() }
      this.#users.set(userId, user)
    }
    if (!user.connections.has(entry.connId)) this.#connections++
    user.connections.set(entry.connId, entry)
    return first
  }

  /** Removes a connection; true when it was the user's last (the user just went offline). False when unknown. */
  remove(userId: number, connId: string): boolean {
    const user = this.#users.get(userId)
    if (!user?.connections.delete(connId)) return false
    this.#connections--
    if (user.connections.size > 0) return false
    this.#users.delete(userId)
    return true
  }

  /** One user's connections with their sessions (an index lookup, not a scan). */
  entriesOf(userId: number): ConnectionEntry<C>[] {
    return [...(this.#users.get(userId)?.connections.values() ?? [])]
  }

  connectionsOf(userId: number): C[] {
    return [...(this.#users.get(userId)?.connections.values() ?? [])].map((entry) => entry.connection)
  }

  /**
   * Calls `visit` for every connection, without copying: fan-out runs this once per event for every
   * connection. A connection removed during the walk (a slow consumer cut off) is not visited after.
   */
  forEachConnection(visit: (userId: number, connection: C) => void): void {
    for (const [userId, user] of this.#users) {
      for (const entry of user.connections.values()) visit(userId, entry.connection)
    }
  }

  get userCount(): number {
    return this.#users.size
  }

  get connectionCount(): number {
    return this.#connections
  }
}
