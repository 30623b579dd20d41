/**
 * Resolving the user a command names. A name that breaks the naming rules can have no account, so
 * it is an unknown user like any other.
 * @module
 */
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { UserRow } from '@parley/storage'
import type { OnlineUser } from '../cluster/types.js'
import type { GatewayContext } from '../context.js'
import type { ChatSession, SignedInUser } from '../session.js'

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

/** The signed-in user of a session; commands after sign-in only (the dispatcher guarantees it). */
export function me(session: ChatSession): SignedInUser {
  if (!session.user) throw new ParleyError(ErrorCode.Unauthorized, 'Log in first')
  return session.user
}

/** Online users (of every instance), minus `userId` itself and `hidden`, by name. */
export function visibleOnline(online: readonly OnlineUser[], userId: number, hidden: Iterable<number>): string[] {
  const hide = new Set(hidden)
  return online.filter((user) => user.id !== userId && !hide.has(user.id)).map((user) => user.username)
}
