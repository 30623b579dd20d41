import { SUSPENDED_FOR_GOOD } from '@parley/auth'
import { type Command, ExitCode } from '../command.js'
import { parseDuration } from '../duration.js'
import { findUser } from '../find-user.js'
import { isoTime, quoted } from '../output.js'
import { audited, REASON_USAGE, readReason, reasonOption } from '../reason.js'

export const usersSuspend: Command = {
  path: ['users', 'suspend'],
  summary: 'suspend a user for a time or for good, ending their sessions',
  usage: `users suspend <username> [--for <duration>] [--reason <text>]

The user cannot log in to the board or the chat until the suspension ends; their sessions end now
(open chat connections close at the gateway's next session check). Written to the audit log.

  --for <duration>  seconds, or with a unit: 90s, 15m, 12h, 7d, 2w (default: for good)
${REASON_USAGE}`,
  options: { for: { type: 'string' }, ...reasonOption },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const durationMs = typeof values.for === 'string' ? parseDuration(values.for, '--for') : null
    const reason = readReason(values)
    const storage = await context.storage()
    const auth = context.auth(storage)
    const user = await findUser(storage, auth, positionals[0]!)
    const until = durationMs === null ? null : context.now() + durationMs
    const { user: suspended, endedSessions } = await audited(() => auth.suspend(null, user.username, until, reason))
    const end = suspended.suspendedUntil ?? SUSPENDED_FOR_GOOD
    const when = end >= SUSPENDED_FOR_GOOD ? 'for good' : `until ${isoTime(end)}`
    context.term.out(`${quoted(user.username)} is suspended ${when}; ${endedSessions} session(s) ended.`)
    return ExitCode.Ok
  },
}
