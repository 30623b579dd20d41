/**
 * `whoelse` (other users online now) and `whoelsesince` (online at any moment in the last N
 * seconds, including now). Users who blocked the asker never appear.
 * @module
 */
import { ErrorCode, MAX_WHOELSE_PAGE, ParleyError } from '@parley/protocol'
import { DEFAULT_WHOELSESINCE_MAX_SECONDS } from '../config.js'
import { firstAfter } from '../online-index.js'
import type { Command } from './types.js'
import { boundedUserList, MAX_USERS_PER_REPLY } from './user-list.js'
import { visibleOnline } from './users.js'

export const whoelse: Command<'whoelse'> = async (ctx, conn, frame) => {
  const user = conn.user
  const [blockers, online] = await Promise.all([
    ctx.storage.blocks.blockersOf(user.userId),
    ctx.cluster.directory.onlineUsers(),
  ])
  const names = visibleOnline(online, user.userId, blockers)
  if (frame.limit !== undefined || frame.after !== undefined) {
    const page = pageOfNames(names, frame.after, frame.limit ?? MAX_WHOELSE_PAGE)
    conn.send({ type: 'users', replyTo: frame.id, ...page })
    return
  }
  conn.send({ type: 'users', replyTo: frame.id, ...boundedUserList(names) })
}

/** Up to `limit` of `sorted` (ordered by `compareNames`) after the name `after`, and where the next page starts. */
function pageOfNames(sorted: readonly string[], after: string | undefined, limit: number) {
  const start = after === undefined ? 0 : firstAfter(sorted, after, (name) => name)
  const users = sorted.slice(start, start + limit)
  return start + limit < sorted.length ? { users, next: users.at(-1)! } : { users }
}

function windowTooLong(maxSeconds: number): ParleyError {
  const days = maxSeconds / 86_400
  const span = Number.isInteger(days) ? `${days} days` : `${maxSeconds} seconds`
  return new ParleyError(
    ErrorCode.InvalidCommand,
    `whoelsesince looks back at most ${maxSeconds} seconds (${span}): older history is not kept`,
  )
}

export const whoelsesince: Command<'whoelsesince'> = async (ctx, conn, frame) => {
  const user = conn.user
  const maxSeconds = ctx.config.whoelsesinceMaxSeconds ?? DEFAULT_WHOELSESINCE_MAX_SECONDS
  if (frame.seconds > maxSeconds) throw windowTooLong(maxSeconds)
  const since = ctx.now() - frame.seconds * 1000
  const [blockers, online] = await Promise.all([
    ctx.storage.blocks.blockersOf(user.userId),
    ctx.cluster.directory.onlineUsers(),
  ])
  // Enough ids for a full answer once the asker and the users who blocked them are taken out.
  const limit = MAX_USERS_PER_REPLY + blockers.length + 2
  const history = await ctx.storage.presence.usersOnlineSince(since, limit)
  // The directory too: a presence row is written just after the user came online.
  const ids = new Set([...history, ...online.map((entry) => entry.id)])
  ids.delete(user.userId)
  for (const blocker of blockers) ids.delete(blocker)
  const chosen = [...ids].sort((a, b) => a - b).slice(0, MAX_USERS_PER_REPLY + 1)
  const rows = await ctx.storage.users.getUsersByIds(chosen)
  const names = rows.map((row) => row.username).sort((a, b) => a.localeCompare(b))
  const answer = boundedUserList(names)
  // The history query stopped at its limit: more users may have been online than were read.
  const more = history.length === limit || chosen.length > MAX_USERS_PER_REPLY
  conn.send({ type: 'users', replyTo: frame.id, ...answer, ...(more ? { truncated: true } : {}) })
}
