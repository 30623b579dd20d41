import { type Command, ExitCode } from '../command.js'
import { findUser } from '../find-user.js'
import { quoted } from '../output.js'
import { audited, REASON_USAGE, readReason, reasonOption } from '../reason.js'

export const usersPromote: Command = {
  path: ['users', 'promote'],
  summary: 'make a user an admin (or a member again with --demote)',
  usage: `users promote <username> [--demote] [--reason <text>]

Gives the account the admin role; the first admin is created this way. The change is written to
the audit log (actor: the command line).

  --demote          make an admin a member again
${REASON_USAGE}`,
  options: { demote: { type: 'boolean' }, ...reasonOption },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const reason = readReason(values)
    const storage = await context.storage()
    const auth = context.auth(storage)
    const user = await findUser(storage, auth, positionals[0]!)
    const role = values.demote ? 'member' : 'admin'
    const { changed } = await audited(() =>
      role === 'admin' ? auth.promote(null, user.username, reason) : auth.demote(null, user.username, reason),
    )
    const what = role === 'admin' ? 'an admin' : 'a member'
    context.term.out(
      changed ? `${quoted(user.username)} is now ${what}.` : `${quoted(user.username)} already is ${what}.`,
    )
    return ExitCode.Ok
  },
}
