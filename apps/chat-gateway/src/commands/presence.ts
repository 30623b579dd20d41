/**
 * `whoelse` (other users online now) and `whoelsesince` (online at any moment in the last N
 * seconds, including now). Users who blocked the asker never appear.
 * @module
 */
import type { Command } from './index.js'
import { me, visibleOnline } from './users.js'

export const whoelse: Command<'whoelse'> = async (ctx, session, frame) => {
  const user = me(session)
  const [blockers, online] = await Promise.all([
    ctx.storage.blocks.blockersOf(user.userId),
    ctx.cluster.directory.onlineUsers(),
  ])
  session.send({ type: 'users', replyTo: frame.id, users: visibleOnline(online, user.userId, blockers) })
}

export const whoelsesince: Command<'whoelsesince'> = async (ctx, session, frame) => {
  const user = me(session)
  const since = ctx.now() - frame.seconds * 1000
  const [history, blockers, online] = await Promise.all([
    ctx.storage.presence.usersOnlineSince(since),
    ctx.storage.blocks.blockersOf(user.userId),
    ctx.cluster.directory.onlineUsers(),
  ])
  // The directory too: a presence row is written just after the user came online.
  const ids = new Set([...history, ...online.map((entry) => entry.id)])
  ids.delete(user.userId)
  for (const blocker of blockers) ids.delete(blocker)
  const rows = await ctx.storage.users.getUsersByIds([...ids])
  const users = rows.map((row) => row.username).sort((a, b) => a.localeCompare(b))
  session.send({ type: 'users', replyTo: frame.id, users })
}
