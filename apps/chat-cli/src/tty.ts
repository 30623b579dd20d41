/**
 * The terminal view: reads lines (commands, sign-in answers) and prints lines, nothing else.
 *
 * On a terminal, incoming lines appear ABOVE the line being typed: the input area is cleared, the
 * line printed, and the prompt with the partial input redrawn where the user left it. Passwords
 * are read with echo muted and kept out of the history. With piped input the same code reads one
 * line per answer or command.
 * @module
 */
import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from 'node:readline'
import { Writable } from 'node:stream'
import type { Line, LineKind } from './render.js'

export interface ViewOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean }
  output: NodeJS.WriteStream
  /** Colours (only sensible on a terminal; main decides with NO_COLOR). */
  colour: boolean
  /** Candidates for tab completion of the current line. */
  completer?: (line: string) => [string[], string]
}

export interface View {
  /** True when a person types at a terminal (prompts, redraws, hidden password). */
  readonly interactive: boolean
  /** Asks one question; resolves with the answer, or null when input has ended. */
  ask(prompt: string, options?: { hidden?: boolean }): Promise<string | null>
  /** Shows the command prompt and resolves with the next line, or null when input has ended. */
  nextLine(): Promise<string | null>
  print(line: Line): void
  /** Ctrl-C. */
  onInterrupt(handler: () => void): void
  close(): void
}

const SGR: Record<LineKind, string> = {
  message: '1',
  private: '1;35',
  presence: '33',
  notice: '36',
  error: '31',
  question: '1;35',
}

function paint(line: Line, colour: boolean): string {
  if (!colour) return line.text
  const code = SGR[line.kind]
  if (line.sender && line.text.startsWith(line.sender)) {
    // Only the name stands out; the text itself is the other user's and stays plain.
    return `\x1b[${code}m${line.sender}\x1b[0m${line.text.slice(line.sender.length)}`
  }
  return `\x1b[${code}m${line.text}\x1b[0m`
}

/** Forwards to the real output unless muted (readline echoes keystrokes through it). */
class MutableOutput extends Writable {
  muted = false
  readonly #target: NodeJS.WriteStream
  constructor(target: NodeJS.WriteStream) {
    super()
    this.#target = target
    target.on('resize', () => this.emit('resize'))
  }
  get isTTY(): boolean {
    return this.#target.isTTY === true
  }
  get columns(): number {
    return this.#target.columns || 80
  }
  get rows(): number {
    return this.#target.rows || 24
  }
  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.muted) this.#target.write(chunk, encoding)
    callback()
  }
}

const COMMAND_PROMPT = '> '

export class TerminalView implements View {
  readonly interactive: boolean
  readonly #output: NodeJS.WriteStream
  readonly #mutable: MutableOutput
  readonly #rl: Interface
  readonly #colour: boolean
  readonly #lines: string[] = []
  readonly #waiters: Array<(line: string | null) => void> = []
  #ended = false
  /** While signing in nothing typed goes into the history (usernames, passwords). */
  #keepHistory = false
  #interrupt: () => void = () => undefined

  constructor(options: ViewOptions) {
    this.interactive = options.input.isTTY === true && options.output.isTTY === true
    this.#output = options.output
    this.#colour = options.colour
    this.#mutable = new MutableOutput(options.output)
    this.#rl = createInterface({
      input: options.input,
      output: this.#mutable,
      terminal: this.interactive,
      historySize: 500,
      removeHistoryDuplicates: true,
      prompt: COMMAND_PROMPT,
      ...(options.completer ? { completer: options.completer } : {}),
    })
    // Documented way to keep lines out of the history: edit the array in the 'history' event.
    this.#rl.on('history', (history: string[]) => {
      if (!this.#keepHistory) history.shift()
    })
    this.#rl.on('line', (line) => {
      const waiter = this.#waiters.shift()
      if (waiter) waiter(line)
      else this.#lines.push(line)
    })
    this.#rl.on('close', () => {
      this.#ended = true
      for (const waiter of this.#waiters.splice(0)) waiter(null)
    })
    this.#rl.on('SIGINT', () => this.#interrupt())
  }

  onInterrupt(handler: () => void): void {
    this.#interrupt = handler
  }

  async ask(prompt: string, options: { hidden?: boolean } = {}): Promise<string | null> {
    this.#keepHistory = false
    if (!this.interactive) {
      // Piped input is not echoed: print the question on its own line so the output stays readable.
      this.#output.write(`${prompt}\n`)
      return this.#next()
    }
    this.#rl.setPrompt(prompt)
    this.#rl.prompt()
    if (!options.hidden) return this.#next()
    this.#mutable.muted = true
    try {
      return await this.#next()
    } finally {
      this.#mutable.muted = false
      this.#output.write('\n')
    }
  }

  async nextLine(): Promise<string | null> {
    this.#keepHistory = true
    if (this.interactive) {
      this.#rl.setPrompt(COMMAND_PROMPT)
      this.#rl.prompt()
    }
    return this.#next()
  }

  print(line: Line): void {
    const text = paint(line, this.#colour)
    if (!this.interactive) {
      this.#output.write(`${text}\n`)
      return
    }
    // Clear the whole input area (it may wrap onto several rows), print, redraw prompt + input.
    const { rows } = this.#rl.getCursorPos()
    moveCursor(this.#output, 0, -rows)
    cursorTo(this.#output, 0)
    clearScreenDown(this.#output)
    this.#output.write(`${text}\n`)
    // readline remembers how many rows it drew last time and would move up that far on redraw;
    // the input area now starts on the current row. (Node keeps this count in `prevRows`.)
    const internals = this.#rl as unknown as { prevRows?: number }
    if (typeof internals.prevRows === 'number') internals.prevRows = 0
    if (!this.#mutable.muted) this.#rl.prompt(true)
  }

  close(): void {
    this.#rl.close()
  }

  #next(): Promise<string | null> {
    const line = this.#lines.shift()
    if (line !== undefined) return Promise.resolve(line)
    if (this.#ended) return Promise.resolve(null)
    return new Promise((resolve) => this.#waiters.push(resolve))
  }
}
