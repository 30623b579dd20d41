import { type Command, ExitCode } from '../command.js'
import { findUser } from '../find-user.js'
import { quoted } from '../output.js'

export const usersPromote: Command = {
  path: ['users', 'promote'],
  summary: 'make a user an admin (or a member again with --demote)',
  usage: `users promote <username> [--demote]

Gives the account the admin role; the first admin is created this way.

  --demote  make an admin a member again`,
  options: { demote: { type: 'boolean' } },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const storage = await context.storage()
    const user = await findUser(storage, context.auth(storage), positionals[0]!)
    const role = values.demote ? 'member' : 'admin'
    if (user.role === role) {
      context.term.out(`${quoted(user.username)} already is ${role === 'admin' ? 'an admin' : 'a member'}.`)
      return ExitCode.Ok
    }
    await storage.users.setRole(user.id, role)
    context.term.out(`${quoted(user.username)} is now ${role === 'admin' ? 'an admin' : 'a member'}.`)
    return ExitCode.Ok
  },
}
