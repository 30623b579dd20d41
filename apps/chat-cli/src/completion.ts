/**
 * Tab completion: command words first, then usernames for commands that take one. Pure, in the
 * shape readline's `completer` returns: `[candidates, the fragment they complete]`.
 * @module
 */
import { COMMAND_NAMES, USER_ARGUMENT_COMMANDS } from './commands.js'

export function complete(line: string, usernames: Iterable<string>): [string[], string] {
  const words = line.trimStart().split(/\s+/)
  if (words.length <= 1) {
    const fragment = words[0] ?? ''
    const commands = COMMAND_NAMES.filter((name) => name.startsWith(fragment)).map((name) => `${name} `)
    return [commands, fragment]
  }
  if (words.length === 2 && USER_ARGUMENT_COMMANDS.has(words[0]!)) {
    const fragment = words[1]!
    const names = [...new Set(usernames)].filter((name) => name.startsWith(fragment)).sort()
    return [names.map((name) => `${name} `), fragment]
  }
  return [[], '']
}
