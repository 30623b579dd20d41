/**
 * A pino destination that keeps every line, so tests can search the logs as written (secrets) and
 * read them as objects (events), as pino's own test helper does.
 * @module
 */

export interface LogCapture {
  /** A pino destination: `pino(options, capture.stream)`. */
  readonly stream: { write(line: string): void }
  /** Everything written so far, as one string. */
  text(): string
  /** Every line parsed as JSON. */
  entries(): Record<string, unknown>[]
}

export function captureLogs(): LogCapture {
  const lines: string[] = []
  return {
    stream: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    entries: () =>
      lines
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
