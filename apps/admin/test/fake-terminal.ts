import type { Terminal } from '../src/command.js'

/**
 * A terminal for in-process runs: output is collected as the process terminal would print it (one
 * line and a newline per call), standard input is the given text, and, like a pipe, it is not a
 * TTY, so a prompt for a secret answers null.
 */
export class FakeTerminal implements Terminal {
  stdout = ''
  stderr = ''
  readonly #input: string

  constructor(input = '') {
    this.#input = input
  }

  out(line: string): void {
    this.stdout += `${line}\n`
  }

  err(line: string): void {
    this.stderr += `${line}\n`
  }

  readStdin(): Promise<string> {
    return Promise.resolve(this.#input)
  }

  promptSecret(): Promise<string | null> {
    return Promise.resolve(null)
  }
}
