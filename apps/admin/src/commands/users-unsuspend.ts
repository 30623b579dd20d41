import { type Command, ExitCode } from '../command.js'
import { findUser } from '../find-user.js'
import { quoted } from '../output.js'

export const usersUnsuspend: Command = {
  path: ['users', 'unsuspend'],
  summary: 'lift a suspension',
  usage: `users unsuspend <username>

The user can log in again at once.`,
  options: {},
  positionals: [1, 1],

  async run(context, { positionals }) {
    const storage = await context.storage()
    const user = await findUser(storage, context.auth(storage), positionals[0]!)
    const wasSuspended = user.suspendedUntil !== null && user.suspendedUntil > context.now()
    await storage.users.setSuspension(user.id, null)
    context.term.out(
      wasSuspended ? `${quoted(user.username)} is no longer suspended.` : `${quoted(user.username)} was not suspended.`,
    )
    return ExitCode.Ok
  },
}
