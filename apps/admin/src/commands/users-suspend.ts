import { type Command, ExitCode } from '../command.js'
import { parseDuration } from '../duration.js'
import { findUser } from '../find-user.js'
import { isoTime, quoted } from '../output.js'

/** Storage's marker for "suspended for good". */
const FOR_GOOD = Number.MAX_SAFE_INTEGER

export const usersSuspend: Command = {
  path: ['users', 'suspend'],
  summary: 'suspend a user for a time or for good, ending their sessions',
  usage: `users suspend <username> [--for <duration>]

The user cannot log in to the board or the chat until the suspension ends; their sessions end now.

  --for <duration>  seconds, or with a unit: 90s, 15m, 12h, 7d, 2w (default: for good)`,
  options: { for: { type: 'string' } },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const durationMs = typeof values.for === 'string' ? parseDuration(values.for, '--for') : null
    const storage = await context.storage()
    const user = await findUser(storage, context.auth(storage), positionals[0]!)
    const until = durationMs === null ? FOR_GOOD : context.now() + durationMs
    await storage.users.setSuspension(user.id, until)
    const ended = await storage.sessions.deleteUserSessions(user.id)
    const when = until === FOR_GOOD ? 'for good' : `until ${isoTime(until)}`
    context.term.out(`${quoted(user.username)} is suspended ${when}; ${ended.length} session(s) ended.`)
    return ExitCode.Ok
  },
}
