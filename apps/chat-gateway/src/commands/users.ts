/**
 * Resolving the user a command names. A name that breaks the naming rules can have no account, so
 * it is an unknown user like any other.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { UserRow } from '@parley/storage'
import type { OnlineUser } from '../cluster/types.js'
import type { GatewayContext } from '../context.js'

export function unknownUser(name: string): ParleyError {
  return new ParleyError(ErrorCode.UnknownUser, `There is no user named ${name}`, { user: name })
}

export async function findUser(ctx: GatewayContext, name: string): Promise<UserRow> {
  let key: string
  try {
    key = ctx.auth.normalizeUsername(name).usernameKey
  } catch {
    throw unknownUser(name)
  }
  const user = await ctx.storage.users.getUserByKey(key)
  if (!user) throw unknownUser(name)
  return user
}

/** How long a message recipient's account row is reused, and how many are kept per gateway. */
const RECIPIENT_TTL_MS = 5000
const RECIPIENT_CACHE_SIZE = 10_000
const recipientCaches = new WeakMap<GatewayContext, Map<string, { row: UserRow; at: number }>>()

/**
 * `findUser` for the recipient of a direct message, remembered for a few seconds: a chat sends many
 * messages to the same few people, and the lookup was the largest storage read of a message. A
 * recipient deleted meanwhile is still refused: storing the message then fails (no such user) and
 * the caller evicts it (`forgetRecipient`) before answering CHAT_UNKNOWN_USER.
 */
export async function findRecipient(ctx: GatewayContext, name: string): Promise<UserRow> {
  let cache = recipientCaches.get(ctx)
  if (!cache) {
    cache = new Map()
    recipientCaches.set(ctx, cache)
  }
  const now = Date.now()
  const hit = cache.get(name)
  if (hit && now - hit.at < RECIPIENT_TTL_MS) return hit.row
  const row = await findUser(ctx, name)
  if (cache.size >= RECIPIENT_CACHE_SIZE) cache.clear()
  cache.set(name, { row, at: now })
  return row
}

export function forgetRecipient(ctx: GatewayContext, name: string): void {
  recipientCaches.get(ctx)?.delete(name)
}

/** Online users (of every instance), minus `userId` itself and `hidden`, by name. */
export function visibleOnline(online: readonly OnlineUser[], userId: number, hidden: Iterable<number>): string[] {
  const hide = new Set(hidden)
  return online.filter((user) => user.id !== userId && !hide.has(user.id)).map((user) => user.username)
}
