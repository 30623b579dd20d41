import { type Command, CommandError, ExitCode, UsageError } from '../command.js'
import { findUser } from '../find-user.js'
import { quoted } from '../output.js'
import { audited, REASON_USAGE, readReason, reasonOption } from '../reason.js'

export const usersResetPassword: Command = {
  path: ['users', 'reset-password'],
  summary: "set a user's password, ending all their sessions",
  usage: `users reset-password <username> [--password-stdin] [--reason <text>]

Sets a new password without the old one, ends every session of the user and clears a lockout.
Written to the audit log (never the password).
Asks for the password twice on the terminal, or reads it from standard input (first line) with
--password-stdin, e.g.  printf '%s\\n' "$NEW_PASSWORD" | pnpm parley users reset-password alice --password-stdin
The password never appears in the arguments, the output or the logs.

  --password-stdin  read the new password from standard input
${REASON_USAGE}`,
  options: { 'password-stdin': { type: 'boolean' }, ...reasonOption },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const reason = readReason(values)
    const storage = await context.storage()
    const auth = context.auth(storage)
    const user = await findUser(storage, auth, positionals[0]!)
    let password: string
    if (values['password-stdin']) {
      password = (await context.term.readStdin()).split(/\r?\n/)[0] ?? ''
    } else {
      const first = await context.term.promptSecret(`New password for ${quoted(user.username)}: `)
      if (first === null) throw new UsageError('standard input is not a terminal: use --password-stdin')
      const second = await context.term.promptSecret('Repeat it: ')
      if (first !== second) throw new CommandError('The passwords do not match; nothing changed.')
      password = first
    }
    const ended = await audited(() => auth.resetPassword(null, user.username, password, reason))
    context.term.out(`Password of ${quoted(user.username)} changed; ${ended.length} session(s) ended.`)
    return ExitCode.Ok
  },
}
