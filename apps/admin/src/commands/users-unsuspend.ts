import { type Command, ExitCode } from '../command.js'
import { findUser } from '../find-user.js'
import { quoted } from '../output.js'
import { audited, REASON_USAGE, readReason, reasonOption } from '../reason.js'

export const usersUnsuspend: Command = {
  path: ['users', 'unsuspend'],
  summary: 'lift a suspension',
  usage: `users unsuspend <username> [--reason <text>]

The user can log in again at once. Written to the audit log.

${REASON_USAGE}`,
  options: { ...reasonOption },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const reason = readReason(values)
    const storage = await context.storage()
    const auth = context.auth(storage)
    const user = await findUser(storage, auth, positionals[0]!)
    const { changed } = await audited(() => auth.unsuspend(null, user.username, reason))
    context.term.out(
      changed ? `${quoted(user.username)} is no longer suspended.` : `${quoted(user.username)} was not suspended.`,
    )
    return ExitCode.Ok
  },
}
