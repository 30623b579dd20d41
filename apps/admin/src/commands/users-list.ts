import { suspensionOf } from '@parley/auth'
import type { UserRow } from '@parley/storage'
import { type Command, ExitCode } from '../command.js'
import { isoTime, printable, table } from '../output.js'

function status(user: UserRow, now: number): string {
  const suspension = suspensionOf(user, now)
  if (suspension === null) return 'active'
  if (suspension.forGood) return 'suspended'
  return `suspended until ${isoTime(suspension.until)}`
}

export const usersList: Command = {
  path: ['users', 'list'],
  summary: 'list the accounts',
  usage: `users list [--json]

Prints id, username, role, creation time and status of every account.

  --json  one JSON array instead of the table (no password hashes)`,
  options: { json: { type: 'boolean' } },
  positionals: [0, 0],

  async run(context, { values }) {
    const storage = await context.storage()
    const users = await storage.users.listUsers()
    const now = context.now()
    if (values.json) {
      const rows = users.map((u) => ({
        id: u.id,
        username: u.username,
        role: u.role,
        createdAt: isoTime(u.createdAt),
        suspendedUntil: suspensionOf(u, now) === null ? null : u.suspendedUntil,
      }))
      context.term.out(JSON.stringify(rows, null, 2))
      return ExitCode.Ok
    }
    const rows = users.map((u) => [String(u.id), printable(u.username), u.role, isoTime(u.createdAt), status(u, now)])
    for (const line of table([['ID', 'USERNAME', 'ROLE', 'CREATED', 'STATUS'], ...rows])) context.term.out(line)
    context.term.out(`${users.length} account${users.length === 1 ? '' : 's'}`)
    return ExitCode.Ok
  },
}
