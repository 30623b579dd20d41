/**
 * The sign-in dialogue, as in the original client.
 * @module
 */
import { ErrorCode } from '@parley/protocol'
import type { ChatClient } from './client.js'
import { ExitCode } from './exit-codes.js'
import { type Line, Lines, loginErrorLine } from './render.js'
import type { View } from './tty.js'

const errorLine = (text: string): Line => ({ kind: 'error', text })

/** Codes after which asking for the password again makes sense. */
const RETRY_PASSWORD = new Set<string>([
  ErrorCode.InvalidCredentials,
  ErrorCode.PasswordTooShort,
  ErrorCode.PasswordTooLong,
  ErrorCode.RateLimited,
])
/** Codes after which signing in cannot succeed now. */
const GIVE_UP = new Set<string>([ErrorCode.NowLocked, ErrorCode.Locked, ErrorCode.Suspended, ErrorCode.AlreadyOnline])

/**
 * Asks for the username, then the password (`Password: ` or, for a name not taken yet, `This is a
 * new user. Enter a password: `) until the gateway welcomes the user or refuses for good. A wrong
 * password asks for the password again, as the original client did.
 */
export async function signIn(
  client: ChatClient,
  view: View,
  stopRequested: () => boolean,
  stopped: Promise<null>,
): Promise<ExitCode | 'joined'> {
  const ask = async (prompt: string, hidden = false) => {
    const answer = await Promise.race([view.ask(prompt, { hidden }), stopped])
    return stopRequested() ? null : answer
  }
  for (;;) {
    const username = (await ask('Username: '))?.trim()
    if (username === undefined) return ExitCode.SignInRefused
    if (username === '') continue
    const found = await client.lookup(username)
    if (found.type === 'error') {
      view.print(errorLine(loginErrorLine(found.code, found.message)))
      continue
    }
    if (!found.exists && !found.canCreate) {
      view.print(errorLine(Lines.invalidUser))
      continue
    }
    const prompt = found.exists ? 'Password: ' : Lines.newUserPassword
    for (;;) {
      const password = await ask(prompt, true)
      if (password === null) return ExitCode.SignInRefused
      if (password === '') continue
      const reply = await client.login(username, password, !found.exists)
      if (reply.type === 'welcome') return 'joined'
      view.print(errorLine(loginErrorLine(reply.code, reply.message)))
      if (GIVE_UP.has(reply.code)) return ExitCode.SignInRefused
      if (!RETRY_PASSWORD.has(reply.code)) break // e.g. a bad username: ask for it again
    }
  }
}
