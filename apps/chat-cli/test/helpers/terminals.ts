/**
 * What the CLI's pty tests share: one real gateway for the test file, the CLIs each test starts
 * (killed after it), and signing in at the prompts as a user would.
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import { CliInPty } from './cli-process.js'
import { PASSWORD, RealGateway } from './gateway.js'

export const WELCOME = 'Welcome to the greatest messaging application ever!'

/** Either password prompt: a known user's, or a new user's (who is registered by answering it). */
export const ANY_PASSWORD_PROMPT = /^(Password|This is a new user\. Enter a password):$/
/** A known user's password prompt. */
export const PASSWORD_PROMPT = /^Password:$/

/** Where a CLI connects. */
export interface Target {
  url: string
  caPath: string
}

/** The CLIs a test file starts; every one still running is killed after each test. */
export class Terminals {
  private readonly clis: CliInPty[] = []

  constructor() {
    afterEach(() => this.killAll())
  }

  /** A CLI connecting to `target` (env: extra environment, e.g. TZ). */
  start(label: string, target: Target, env: Record<string, string> = {}): CliInPty {
    const cli = new CliInPty(label, ['--server', target.url, '--ca', target.caPath], env)
    this.clis.push(cli)
    return cli
  }

  killAll(): void {
    for (const cli of this.clis.splice(0)) cli.kill()
  }
}

/** One gateway for the whole test file (started before its first test, closed after its last). */
export function gatewayForFile(): () => RealGateway {
  let gateway: RealGateway | undefined
  beforeAll(async () => {
    gateway = await RealGateway.start()
  })
  afterAll(async () => {
    await gateway?.close()
  })
  return () => {
    if (!gateway) throw new Error('the gateway is not started yet')
    return gateway
  }
}

/** Types the username and waits for the password prompt. */
export async function enterUsername(cli: CliInPty, username: string, prompt = ANY_PASSWORD_PROMPT): Promise<void> {
  await cli.waitFor(() => cli.cursorLine() === 'Username:', 'the username prompt')
  cli.enter(username)
  await cli.waitFor(() => prompt.test(cli.cursorLine()), 'a password prompt')
}

/** Signs in at the prompts with the tests' PASSWORD and waits for `expected` (the welcome line). */
export async function signIn(
  cli: CliInPty,
  username: string,
  { prompt = ANY_PASSWORD_PROMPT, expected = WELCOME }: { prompt?: RegExp; expected?: string } = {},
): Promise<CliInPty> {
  await enterUsername(cli, username, prompt)
  cli.enter(PASSWORD)
  await cli.waitForLine(expected)
  return cli
}
