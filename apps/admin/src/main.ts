/**
 * `pnpm parley <command>`: the Parley admin command. The only file that reads the environment and
 * the process arguments and sets the exit status.
 */
import { runAdminCommand } from './run.js'
import { processTerminal } from './terminal.js'

process.exitCode = await runAdminCommand({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  term: processTerminal,
})
