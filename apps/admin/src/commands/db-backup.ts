import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type Command, CommandError, ExitCode } from '../command.js'

export const dbBackup: Command = {
  path: ['db', 'backup'],
  summary: 'copy the SQLite database consistently, while it is in use',
  usage: `db backup <file> [--force]

Writes a consistent copy of the SQLite database to <file> with SQLite's online backup, safe while
the board and the gateway are running. For PostgreSQL use pg_dump, e.g.
  pg_dump --format=custom --file=parley.dump "$DATABASE_URL"

  --force  overwrite <file> when it exists`,
  options: { force: { type: 'boolean' } },
  positionals: [1, 1],

  async run(context, { values, positionals }) {
    const destination = resolve(context.config.invokedFrom, positionals[0]!)
    if (context.config.databaseUrl) {
      throw new CommandError(
        'db backup copies SQLite files; for PostgreSQL run: pg_dump --format=custom --file=<file> "$DATABASE_URL"',
      )
    }
    if (destination === context.config.databasePath)
      throw new CommandError('The backup cannot overwrite the database itself.')
    if (
      !values.force &&
      (await access(destination).then(
        () => true,
        () => false,
      ))
    ) {
      throw new CommandError(`${destination} exists; pass --force to overwrite it.`)
    }
    const storage = await context.storage()
    if (!storage.backup)
      throw new CommandError(`The ${storage.backend} backend has no online backup; use its own tools.`)
    await storage.backup(destination)
    context.term.out(`Backed up ${context.config.databasePath} to ${destination}.`)
    return ExitCode.Ok
  },
}
