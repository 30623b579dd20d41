import { type Command, ExitCode } from '../command.js'
import { describe } from './db-migrate.js'

export const dbCheck: Command = {
  path: ['db', 'check'],
  summary: 'check the database integrity and schema',
  usage: `db check

Runs the backend's integrity check (SQLite: integrity_check and foreign_key_check) and compares
the schema version. Exit status 0 when sound, 1 listing each problem otherwise.`,
  options: {},
  positionals: [0, 0],

  async run(context) {
    const storage = await context.storage()
    const problems = await storage.check()
    const { current, latest } = await storage.schemaVersion()
    if (problems.length === 0) {
      context.term.out(`${describe(context)}: OK (schema version ${current} of ${latest}).`)
      return ExitCode.Ok
    }
    for (const problem of problems) context.term.err(`problem: ${problem}`)
    context.term.out(`${describe(context)}: ${problems.length} problem(s) found.`)
    return ExitCode.Failed
  },
}
