/**
 * `pnpm --filter chat-cli start`: reads the configuration, builds the client, the private links
 * and the terminal view, runs the chat, and turns the outcome into an exit code. The only place
 * that touches process.env, argv and process.exit.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { ExitCode, runChat } from './app.js'
import { ChatClient } from './client.js'
import { complete } from './completion.js'
import { type CliArgs, parseCliArgs, USAGE, UsageError } from './config.js'
import { PrivateLinks } from './private/links.js'
import { TerminalView } from './tty.js'

async function main(): Promise<number> {
  let args: CliArgs
  try {
    args = parseCliArgs(process.argv.slice(2), {
      cwd: process.cwd(),
      env: process.env,
      stdoutIsTTY: process.stdout.isTTY === true,
    })
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`${error.message}\n\n${USAGE}`)
    return ExitCode.Usage
  }
  if (args.kind === 'help') {
    console.log(USAGE)
    return ExitCode.Ok
  }
  const { config } = args

  let ca: Buffer | undefined
  if (config.caPath) {
    try {
      ca = await readFile(config.caPath)
    } catch (error) {
      console.error(
        `Cannot read the CA certificate ${config.caPath}: ${(error as Error).message}\n` +
          'Run `pnpm certs` (or start the gateway once) to create it, or pass --ca <file>.',
      )
      return ExitCode.Usage
    }
  }

  const client = new ChatClient({ url: config.url, ...(ca ? { ca } : {}) })
  const knownUsers = new Set<string>()
  const view = new TerminalView({
    input: process.stdin,
    output: process.stdout,
    colour: config.colour,
    completer: (line) => complete(line, knownUsers),
  })
  return runChat({
    client,
    view,
    knownUsers,
    createLinks: (options) => new PrivateLinks({ ...options, bindHost: config.privateBindHost }),
  })
}

let code: number
try {
  code = await main()
} catch (error) {
  console.error(`chat-cli: unexpected error: ${(error as Error).stack ?? String(error)}`)
  code = ExitCode.Failure
}
// Let buffered output reach the terminal or pipe before leaving.
process.stdout.write('', () => process.exit(code))
