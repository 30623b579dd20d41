import { type Command, ExitCode } from '../command.js'

export const dbMigrate: Command = {
  path: ['db', 'migrate'],
  summary: 'create or upgrade the database schema',
  usage: `db migrate

Creates the database when missing and applies the numbered migrations not yet applied. Safe to
run any time, also while the board and the gateway are running. (They migrate at start-up too.)`,
  options: {},
  positionals: [0, 0],

  async run(context) {
    const storage = await context.storage()
    await storage.migrate()
    const { current, latest } = await storage.schemaVersion()
    context.term.out(`${describe(context)}: schema at version ${current} (latest ${latest}).`)
    return current === latest ? ExitCode.Ok : ExitCode.Failed
  },
}

export function describe(context: { config: { databaseUrl: string | undefined; databasePath: string } }): string {
  return context.config.databaseUrl ? 'PostgreSQL database' : context.config.databasePath
}
